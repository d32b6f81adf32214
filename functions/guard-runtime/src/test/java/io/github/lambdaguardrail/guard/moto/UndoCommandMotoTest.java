package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.single;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.guard.GuardReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.lambda.model.AddPermissionRequest;

/**
 * The undo command of a removed statement re-creates exactly that statement, or the alert says no
 * exact undo exists and gives no command: never one that grants more (a role printed as its
 * account, an unrecognised principal printed as {@code *}). Each command is run as operators would
 * run it, with the AWS CLI of {@code .venv} against moto, and the statement it adds is compared with
 * the one the guard removed.
 */
@ExtendWith(MotoWorld.class)
class UndoCommandMotoTest {

    private final MotoAccount moto;

    UndoCommandMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    @Test
    void motoStillKeepsARolePrincipalAsABareString() {
        String function = moto.createFunction("vendor-export");
        moto.addPermission(b -> b.functionName(function).statementId("vendor-etl").action("lambda:InvokeFunction")
                .principal("arn:aws:iam::999988887777:role/vendor-etl"));

        JsonNode statement = MotoAccount.read(moto.lambdaAsMotoRendersIt.getPolicy(b -> b.functionName(function)).policy())
                .path("Statement").path(0);

        assertTrue(statement.path("Principal").isTextual(),
                "moto now renders a role principal as AWS does? Then MotoRendering's principal rewrite can go: " + statement);
    }

    @Test
    void removedRolePrincipalIsUndoneWithTheRoleNotItsWholeAccount() {
        String undo = removeAndUndo("vendor-export", b -> b.statementId("vendor-etl").action("lambda:InvokeFunction")
                .principal("arn:aws:iam::999988887777:role/vendor-etl"));

        assertTrue(undo.endsWith(" --statement-id vendor-etl --action lambda:InvokeFunction"
                + " --principal arn:aws:iam::999988887777:role/vendor-etl"), undo);
    }

    @Test
    void removedServicePrincipalWithAWildcardSourceArnIsUndoneWithItsSourceArnAndAccount() {
        String undo = removeAndUndo("image-thumbnailer", b -> b.statementId("s3-any-bucket").action("lambda:InvokeFunction")
                .principal("s3.amazonaws.com").sourceArn("arn:aws:s3:::*").sourceAccount("999988887777"));

        assertTrue(undo.contains(" --principal s3.amazonaws.com"), undo);
        assertTrue(undo.contains(" --source-arn 'arn:aws:s3:::*'"), undo);
        assertTrue(undo.contains(" --source-account 999988887777"), undo);
    }

    @Test
    void removedStatementWithAnUnrecognisedPrincipalHasNoUndoCommandAndTheAlertSaysSo() {
        // A unique id, as a policy shows a principal whose role or user was deleted.
        String function = moto.createFunction("vendor-export");
        var added = moto.addPermission(b -> b.functionName(function).statementId("deleted-role")
                .action("lambda:InvokeFunction").principal("AROAEXAMPLEROLE00001"));
        assertEquals("{\"AWS\":\"AROAEXAMPLEROLE00001\"}", MotoAccount.read(added.response().statement()).path("Principal").toString());

        GuardReport report = deliver(moto.permissionGuard(), CloudTrailEvents.addPermission(added.request(), added.response()));

        assertEquals(1, report.rollbacks());
        assertFalse(moto.statements(function).containsKey("deleted-role"));
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("ROLLBACK", alert.decision());
        JsonNode outcome = alert.outcomes().get(0);
        assertEquals("DONE", outcome.path("status").asText());
        assertEquals(List.of(), texts(outcome.path("undo")), "no command that could grant more than was removed");
        assertTrue(outcome.path("detail").asText().contains("no exact undo command exists"), outcome.toString());
        assertTrue(outcome.path("detail").asText().contains("AROAEXAMPLEROLE00001"), outcome.toString());
        String email = single(moto.emailTexts());
        assertFalse(email.contains("aws lambda add-permission"), email);
        assertFalse(email.contains("--principal '*'"), email);
    }

    /**
     * Adds the permission, delivers its event to the permission guard, checks the statement is
     * gone and the alert has one undo command, runs that command with the AWS CLI and checks it
     * re-created exactly the statement the guard removed.
     */
    private String removeAndUndo(String prefix, Consumer<AddPermissionRequest.Builder> permission) {
        String function = moto.createFunction(prefix);
        var added = moto.addPermission(b -> b.functionName(function).applyMutation(permission));
        String sid = added.request().statementId();
        JsonNode removed = moto.statements(function).get(sid);

        GuardReport report = deliver(moto.permissionGuard(), CloudTrailEvents.addPermission(added.request(), added.response()));

        assertEquals(1, report.rollbacks());
        assertFalse(moto.statements(function).containsKey(sid));
        JsonNode outcome = single(moto.awaitAlerts(1)).outcomes().get(0);
        assertEquals("DONE", outcome.path("status").asText());
        String undo = single(texts(outcome.path("undo")));
        assertTrue(undo.startsWith("aws lambda add-permission --function-name " + functionArn(function) + " "), undo);

        runWithTheAwsCli(undo);

        assertEquals(removed, moto.statements(function).get(sid), "the undo re-created exactly the removed statement");
        return undo;
    }

    private static void runWithTheAwsCli(String command) {
        Path cli = repositoryRoot().resolve(".venv/bin/aws");
        if (!Files.isExecutable(cli)) {
            fail(cli + " missing: run tools/venv (tools/moto-start does)");
        }
        ProcessBuilder process = new ProcessBuilder("bash", "-c",
                cli + command.substring("aws".length()) + " --endpoint-url " + MotoWorld.ENDPOINT + " --output json")
                .redirectErrorStream(true);
        Map<String, String> env = process.environment();
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("AWS_DEFAULT_REGION", MotoWorld.REGION);
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_PAGER", "");
        try {
            Process run = process.start();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
                fail("the undo command failed: " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("tools/moto_server.py"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no tools/moto_server.py above " + Path.of("").toAbsolutePath());
    }
}
