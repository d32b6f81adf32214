package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lambda's java21 runtime starts every function with a Log4Shell hot-patch agent
 * ({@code -javaagent:/var/runtime/lib/Log4jHotPatch.jar}, a class-file transformer that sees every
 * class loaded) unless {@code AWS_LAMBDA_DISABLE_CVE_2021_44228_PROTECTION} is {@code true}. The
 * template turns it off for every function, which is safe only while no function carries Log4j's
 * core: {@code functions/pom.xml} bans {@code log4j-core} from every function's build, and this test
 * looks for its vulnerable class on the class path of the function modules this module depends on.
 */
class Log4ShellHotPatchTest {

    private static final String SWITCH = "AWS_LAMBDA_DISABLE_CVE_2021_44228_PROTECTION";

    @Test
    void everyFunctionTurnsOffLambdasHotPatch() throws Exception {
        Template template = Template.load();
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function");
        for (Map.Entry<String, Map<String, Object>> fn : functions.entrySet()) {
            // Lambda reads the string "true"; YAML's unquoted true would reach CloudFormation as a boolean.
            assertEquals("true", template.environment(fn.getValue()).get(SWITCH), fn.getKey() + "." + SWITCH);
        }
        assertEquals(7, functions.size(), "the guards, the sweep, the three organisation functions and the exporter");
    }

    @Test
    void noFunctionModuleCarriesLog4jCore() {
        ClassLoader functionsClassPath = getClass().getClassLoader();
        // Not vacuous: the function modules and the SDK they ship are on this class path.
        assertNotNull(functionsClassPath.getResource("io/github/lambdaguardrail/guard/org/OrgSweepHandler.class"));
        assertNotNull(functionsClassPath.getResource("io/github/lambdaguardrail/guard/securityhub/SecurityHubExportHandler.class"));
        assertNotNull(functionsClassPath.getResource("software/amazon/awssdk/services/lambda/LambdaClient.class"));
        assertNull(functionsClassPath.getResource("org/apache/logging/log4j/core/lookup/JndiLookup.class"),
                "log4j-core on a function's class path, with Lambda's hot patch turned off");
    }
}
