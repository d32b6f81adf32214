package io.github.lambdaguardrail.guard.permissionguard;

import static io.github.lambdaguardrail.guard.moto.SampleEventOutcome.allowed;
import static io.github.lambdaguardrail.guard.moto.SampleEventOutcome.removesStatement;
import static io.github.lambdaguardrail.guard.moto.SampleEventOutcome.skipped;
import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.tests.annotations.Events;
import io.github.lambdaguardrail.guard.moto.MotoAccount;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.guard.moto.SampleEvent;
import io.github.lambdaguardrail.guard.moto.SampleEventOutcome;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The permission-guard handler, invoked as Lambda invokes it, with every sample event of
 * {@code events/} against moto: the account is put where the event's calls left it, and the
 * guard, in rollback mode, must end as the event's row of {@code events/README.md} says. The
 * guard's calls are checked against its grants after each event ({@link MotoWorld}).
 */
class PermissionGuardHandlerTest {

    /** moto in the account the sample events name. */
    @RegisterExtension
    static final MotoWorld world = MotoWorld.inAccount(SampleEvent.ACCOUNT);

    private static final SampleEventOutcome FOR_THE_VPC_GUARD = skipped();

    /** Every sample event and what this guard does with it; the events the other guard handles are skipped. */
    private static final Map<String, SampleEventOutcome> EXPECTED = Map.ofEntries(
            entry("addpermission-public-principal.json",
                    removesStatement("invoice-renderer", Optional.empty(), "allow-anyone", "PERMISSION_PUBLIC")),
            entry("addpermission-public-with-source-account.json", allowed()),
            entry("addpermission-cross-account-untrusted.json",
                    removesStatement("reporting-export", Optional.empty(), "vendor-invoke", "PERMISSION_UNTRUSTED_ACCOUNT")),
            entry("addpermission-cross-account-trusted.json", allowed().with("GUARDRAIL_TRUSTED_ACCOUNT_IDS", "444455556666")),
            entry("addpermission-service-without-source.json",
                    removesStatement("image-thumbnailer", Optional.empty(), "s3-invoke", "PERMISSION_SERVICE_WITHOUT_SOURCE")),
            entry("addpermission-service-with-source-arn.json", allowed()),
            entry("addpermission-wildcard-action.json",
                    removesStatement("ops-toolkit", Optional.empty(), "ops-all-actions", "PERMISSION_WILDCARD_ACTION")),
            entry("addpermission-qualified-alias-public.json",
                    removesStatement("orders-api", Optional.of("live"), "public-live-alias", "PERMISSION_PUBLIC")),
            entry("addpermission-function-url-public-auth-none.json", removesStatement("public-webhook", Optional.empty(),
                    "FunctionURLAllowPublicAccess", "FUNCTION_URL_PUBLIC")),
            entry("addpermission-function-url-public-invoke-via-url.json", removesStatement("public-webhook", Optional.empty(),
                    "FunctionURLAllowInvokeAction", "FUNCTION_URL_PUBLIC")),
            entry("addpermission-failed-call.json", skipped()),
            entry("addpermission-legacy-name.json", allowed().with("GUARDRAIL_TRUSTED_ORG_IDS", "o-exampleorg1")),
            entry("addpermission-service-principal-org.json", allowed()),
            // Record 7 grants SNS with a source ARN: allowed; the other seven are skipped.
            entry("cloudtrail-logfile-mixed.json", allowed()),
            entry("createfunction-no-vpc.json", FOR_THE_VPC_GUARD),
            entry("createfunction-in-vpc.json", FOR_THE_VPC_GUARD),
            entry("createfunction-exempted-by-tag.json", FOR_THE_VPC_GUARD),
            entry("updatefunctionconfiguration-vpc-removed.json", FOR_THE_VPC_GUARD),
            entry("updatefunctionconfiguration-memory-only-no-vpc.json", FOR_THE_VPC_GUARD),
            entry("updatefunctionconfiguration-vpc-changed-denied-sg.json", FOR_THE_VPC_GUARD),
            entry("updatefunctionconfiguration-in-vpc.json", FOR_THE_VPC_GUARD),
            entry("updatefunctionconfiguration-by-guard-role.json", FOR_THE_VPC_GUARD));

    @ParameterizedTest(name = "{0}")
    @Events(folder = "/events", type = SampleEvent.class)
    void sampleEventEndsAsItsReadmeRowSays(SampleEvent event, MotoAccount moto) throws IOException {
        SampleEventOutcome expected = EXPECTED.get(event.file());
        assertNotNull(expected, "no expectation for " + event.file());
        expected.assertHandled(event, moto, PermissionGuardHandler.APIS, PermissionGuardHandler::new);
    }

    @Test
    void everySampleEventHasAnExpectation() {
        assertEquals(SampleEvent.files(), new TreeSet<>(EXPECTED.keySet()));
    }
}
