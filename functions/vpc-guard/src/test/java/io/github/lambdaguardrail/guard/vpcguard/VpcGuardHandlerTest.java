package io.github.lambdaguardrail.guard.vpcguard;

import static io.github.lambdaguardrail.guard.moto.SampleEventOutcome.alerted;
import static io.github.lambdaguardrail.guard.moto.SampleEventOutcome.allowedRemembering;
import static io.github.lambdaguardrail.guard.moto.SampleEventOutcome.quarantines;
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
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The vpc-guard handler, invoked as Lambda invokes it, with every sample event of {@code events/}
 * against moto: the account is put where the event's calls left it, and the guard, in rollback
 * mode, must end as the event's row of {@code events/README.md} says. The guard's calls are checked
 * against its grants after each event ({@link MotoWorld}).
 */
class VpcGuardHandlerTest {

    /** moto in the account the sample events name. */
    @RegisterExtension
    static final MotoWorld world = MotoWorld.inAccount(SampleEvent.ACCOUNT);

    private static final SampleEventOutcome FOR_THE_PERMISSION_GUARD = skipped();

    /** Every sample event and what this guard does with it; the events the other guard handles are skipped. */
    private static final Map<String, SampleEventOutcome> EXPECTED = Map.ofEntries(
            entry("createfunction-no-vpc.json", quarantines("data-scraper", "LAMBDA_NOT_IN_VPC")),
            entry("createfunction-in-vpc.json", allowedRemembering("orders-db-writer")),
            entry("createfunction-exempted-by-tag.json", alerted("EXEMPTED", "LAMBDA_NOT_IN_VPC")),
            // No known-good config to restore: nothing proves the function was in a VPC before.
            entry("updatefunctionconfiguration-vpc-removed.json", alerted("NOTIFY", "LAMBDA_NOT_IN_VPC")),
            entry("updatefunctionconfiguration-memory-only-no-vpc.json", alerted("NOTIFY", "LAMBDA_NOT_IN_VPC")),
            entry("updatefunctionconfiguration-vpc-changed-denied-sg.json", quarantines("ledger-sync", "LAMBDA_VPC_NOT_ALLOWED")
                    .with("GUARDRAIL_DENIED_SECURITY_GROUP_IDS", "sg-0badbadbadbad0001")),
            entry("updatefunctionconfiguration-in-vpc.json", allowedRemembering("orders-db-writer")),
            entry("updatefunctionconfiguration-by-guard-role.json", skipped()
                    .with("GUARDRAIL_SELF_ROLE_ARNS", "arn:aws:iam::111122223333:role/lambda-guardrail-VpcGuardRole-EXAMPLE")),
            // Record 8 creates adhoc-csv-import outside a VPC; the other seven are skipped.
            entry("cloudtrail-logfile-mixed.json", quarantines("adhoc-csv-import", "LAMBDA_NOT_IN_VPC")),
            entry("addpermission-public-principal.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-public-with-source-account.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-cross-account-untrusted.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-cross-account-trusted.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-service-without-source.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-service-with-source-arn.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-wildcard-action.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-qualified-alias-public.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-function-url-public-auth-none.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-function-url-public-invoke-via-url.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-failed-call.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-legacy-name.json", FOR_THE_PERMISSION_GUARD),
            entry("addpermission-service-principal-org.json", FOR_THE_PERMISSION_GUARD));

    @ParameterizedTest(name = "{0}")
    @Events(folder = "/events", type = SampleEvent.class)
    void sampleEventEndsAsItsReadmeRowSays(SampleEvent event, MotoAccount moto) throws IOException {
        SampleEventOutcome expected = EXPECTED.get(event.file());
        assertNotNull(expected, "no expectation for " + event.file());
        expected.assertHandled(event, moto, VpcGuardHandler.APIS, VpcGuardHandler::new);
    }

    @Test
    void everySampleEventHasAnExpectation() {
        assertEquals(SampleEvent.files(), new TreeSet<>(EXPECTED.keySet()));
    }
}
