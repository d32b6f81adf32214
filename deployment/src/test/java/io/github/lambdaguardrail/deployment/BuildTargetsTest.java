package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code sam build} runs, for a function with {@code BuildMethod: makefile}, the target
 * {@code build-<LogicalId>} of the Makefile in its {@code CodeUri}: a function added to the template
 * without its target would fail the build, at deploy time.
 */
class BuildTargetsTest {

    @Test
    void everyMakefileBuiltFunctionHasItsTargetInItsCodeUrisMakefile() throws Exception {
        Template template = Template.load();
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> fn : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
            assertEquals("makefile", Template.at(fn.getValue(), "Metadata", "BuildMethod"), fn.getKey());
            Path makefile = Template.ROOT.resolve((String) Template.at(fn.getValue(), "Properties", "CodeUri")).resolve("Makefile");
            String text = Files.readString(makefile);
            Pattern target = Pattern.compile("(?m)^[^#\\t:]*\\bbuild-" + fn.getKey() + "\\b[^:]*:");
            assertTrue(target.matcher(text).find(), makefile + " has no target build-" + fn.getKey());
            checked++;
        }
        assertEquals(7, checked, "the guards, the sweep, the three organisation functions and the Security Hub exporter");
    }
}
