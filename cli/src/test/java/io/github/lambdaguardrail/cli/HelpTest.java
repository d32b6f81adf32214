package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code guardrail --help} describes every command in whole sentences. */
class HelpTest {

    private static String normalized(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    @Test
    void topHelpListsEachCommandWithItsWholeFirstParagraph() {
        CommandLine cmd = GuardrailCli.commandLine();
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out));

        assertEquals(GuardrailCli.OK, cmd.execute("--help"));

        String help = normalized(out.toString());
        cmd.getSubcommands().forEach((name, sub) -> {
            String first = normalized(sub.getCommandSpec().usageMessage().description()[0]);
            assertTrue(first.endsWith("."), name + ": a whole sentence: " + first);
            assertTrue(help.contains(name + " " + first), name + " listed with '" + first + "' in:\n" + out);
        });
    }
}
