package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoWorld.ACCOUNT;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.single;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.lambda.model.AddPermissionRequest;
import software.amazon.awssdk.services.lambda.model.AddPermissionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.RemovePermissionRequest;

/**
 * A public function URL needs two statements with principal {@code *}: {@code InvokeFunctionUrl}
 * with auth type NONE, and {@code InvokeFunction} restricted by {@code InvokedViaFunctionUrl}.
 * Both are added here with AddPermission through the SDK, with the real parameters
 * ({@code FunctionUrlAuthType}, {@code InvokedViaFunctionUrl}); each arrives as its own event and
 * is judged and rolled back on its own.
 *
 * <p>moto 5.2.5 accepts both parameters but stores them as top-level statement keys instead of the
 * conditions AWS stores (see {@link MotoRendering}, which the clients use to read them as AWS
 * renders them, and the first test, which shows moto still needs it).
 */
@ExtendWith(MotoWorld.class)
class FunctionUrlPairMotoTest {

    private static final String URL_HALF = "FunctionURLAllowPublicAccess";
    private static final String INVOKE_HALF = "FunctionURLAllowInvokeAction";

    private final MotoAccount moto;

    FunctionUrlPairMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    @Test
    void motoStillStoresTheFunctionUrlConditionsAsTopLevelKeys() {
        String function = moto.createFunction("public-webhook");
        addPair(function);

        JsonNode policy = MotoAccount.read(moto.lambdaAsMotoRendersIt.getPolicy(b -> b.functionName(function)).policy());

        JsonNode urlHalf = policy.path("Statement").path(0);
        JsonNode invokeHalf = policy.path("Statement").path(1);
        assertEquals("NONE", urlHalf.path(MotoRendering.URL_AUTH_TYPE).asText(),
                "moto now renders FunctionUrlAuthType as AWS does? Then MotoRendering can go: " + urlHalf);
        assertTrue(invokeHalf.path(MotoRendering.INVOKED_VIA_URL).asBoolean(),
                "moto now renders InvokedViaFunctionUrl as AWS does? Then MotoRendering can go: " + invokeHalf);
        assertTrue(urlHalf.path("Condition").isMissingNode());
    }

    /**
     * Each half arrives as its own AddPermission event, and each event removes exactly the
     * statement it added: never a live statement chosen by its shape, which may be an approved one.
     */
    @ParameterizedTest(name = "event for {0}")
    @ValueSource(strings = {URL_HALF, INVOKE_HALF})
    void eachHalfOfAPublicFunctionUrlIsRemovedByItsOwnEventOnlyAndNothingElse(String delivered) {
        String function = moto.createFunction("public-webhook");
        moto.addPermission(b -> b.functionName(function).statementId("s3-invoke").action("lambda:InvokeFunction")
                .principal("s3.amazonaws.com").sourceAccount(ACCOUNT));
        JsonNode compliantBefore = moto.statements(function).get("s3-invoke");
        Map<String, MotoAccount.ApiCall<AddPermissionRequest, AddPermissionResponse>> halves = addPair(function);
        assertEquals("{\"StringEquals\":{\"lambda:FunctionUrlAuthType\":\"NONE\"}}",
                MotoAccount.read(halves.get(URL_HALF).response().statement()).path("Condition").toString());
        assertEquals("{\"Bool\":{\"lambda:InvokedViaFunctionUrl\":\"true\"}}",
                MotoAccount.read(halves.get(INVOKE_HALF).response().statement()).path("Condition").toString());
        String other = delivered.equals(URL_HALF) ? INVOKE_HALF : URL_HALF;
        JsonNode otherBefore = moto.statements(function).get(other);
        var call = halves.get(delivered);
        Guard guard = moto.permissionGuard();

        GuardReport report = deliver(guard, CloudTrailEvents.addPermission(call.request(), call.response()));

        assertEquals(1, report.rollbacks());
        assertEquals(Set.of("s3-invoke", other), moto.statements(function).keySet(), "only the delivered half is gone");
        assertEquals(otherBefore, moto.statements(function).get(other), "the other half is untouched until its own event");
        assertEquals(compliantBefore, moto.statements(function).get("s3-invoke"));
        assertEquals(List.of(delivered), moto.guardCalls.requests(RemovePermissionRequest.class).stream()
                .map(RemovePermissionRequest::statementId).toList());

        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals(List.of("FUNCTION_URL_PUBLIC"), alert.ruleIds(), "reported once, not also as PERMISSION_PUBLIC");
        assertEquals("HIGH", alert.attributes().get("severity"));
        assertEquals("ROLLBACK", alert.decision());
        assertEquals(1, alert.outcomes().size());
        JsonNode outcome = alert.outcomes().get(0);
        assertEquals("DONE", outcome.path("status").asText());
        assertEquals("removed statement '" + delivered + "'", outcome.path("detail").asText());
        assertEquals(List.of(UNDO.get(delivered).apply(functionArn(function))), texts(outcome.path("undo")));

        // The other half's own event, delivered later, removes the other half, and only it.
        var late = halves.get(other);
        GuardReport lateReport = deliver(guard, CloudTrailEvents.addPermission(late.request(), late.response()));
        assertEquals(1, lateReport.rollbacks());
        assertEquals(Set.of("s3-invoke"), moto.statements(function).keySet());
        assertEquals(compliantBefore, moto.statements(function).get("s3-invoke"));
        assertEquals(List.of(delivered, other), moto.guardCalls.requests(RemovePermissionRequest.class).stream()
                .map(RemovePermissionRequest::statementId).toList());
        JsonNode lateOutcome = single(moto.awaitAlerts(1)).outcomes().get(0);
        assertEquals("DONE", lateOutcome.path("status").asText());
        assertEquals(List.of(UNDO.get(other).apply(functionArn(function))), texts(lateOutcome.path("undo")));
    }

    private static final Map<String, java.util.function.Function<String, String>> UNDO = Map.of(
            URL_HALF, arn -> "aws lambda add-permission --function-name " + arn + " --statement-id " + URL_HALF
                    + " --action lambda:InvokeFunctionUrl --principal '*' --function-url-auth-type NONE",
            INVOKE_HALF, arn -> "aws lambda add-permission --function-name " + arn + " --statement-id " + INVOKE_HALF
                    + " --action lambda:InvokeFunction --principal '*' --invoked-via-function-url");

    private Map<String, MotoAccount.ApiCall<AddPermissionRequest, AddPermissionResponse>> addPair(String function) {
        var urlHalf = moto.addPermission(b -> b.functionName(function).statementId(URL_HALF)
                .action("lambda:InvokeFunctionUrl").principal("*").functionUrlAuthType(FunctionUrlAuthType.NONE));
        var invokeHalf = moto.addPermission(b -> b.functionName(function).statementId(INVOKE_HALF)
                .action("lambda:InvokeFunction").principal("*").invokedViaFunctionUrl(true));
        return Map.of(URL_HALF, urlHalf, INVOKE_HALF, invokeHalf);
    }
}
