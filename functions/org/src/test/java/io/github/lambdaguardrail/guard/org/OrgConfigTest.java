package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.PolicyException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OrgConfigTest {

    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/111111111111/lambda-guardrail-remediation.fifo";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:111111111111:alerts",
                "GUARDRAIL_STATE_TABLE", "lambda-guardrail-state"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static String rejected(Map<String, String> env) {
        return assertThrows(PolicyException.class, () -> OrgConfig.evaluator(env)).getMessage();
    }

    @Test
    void defaultsAreTheMemberTemplatesRoleTheQueuesRedriveAndHalfAMembersBudget() {
        OrgConfig config = OrgConfig.evaluator(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE));
        assertEquals("LambdaGuardrailRemediator", config.memberRoleName());
        assertEquals(Optional.of(QUEUE), config.queueUrl());
        assertEquals(5, config.maxReceives());
        assertEquals(8, config.memberCallsPerSecond());
    }

    @Test
    void theEvaluatorNeedsAFifoQueue() {
        assertTrue(rejected(env()).contains(OrgConfig.QUEUE_URL_VARIABLE));
        assertTrue(rejected(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE.replace(".fifo", ""))).contains("not the URL of a FIFO queue"));
        assertEquals(Optional.empty(), OrgConfig.remediator(env()).queueUrl(), "Lambda polls the queue for the remediator");
    }

    @Test
    void theQueueMustAllowTheGuardsLastAttempt() {
        assertTrue(rejected(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE, OrgConfig.MAX_RECEIVES_VARIABLE, "3"))
                .contains("above 3"));
        assertTrue(rejected(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE, OrgConfig.MAX_RECEIVES_VARIABLE, "4.5"))
                .contains("whole number"));
        assertEquals(4, OrgConfig.evaluator(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE, OrgConfig.MAX_RECEIVES_VARIABLE, "4"))
                .maxReceives());
    }

    @Test
    void theMembersPaceStaysWithinLambdasFifteenRequestsPerSecond() {
        for (String bad : new String[] {"0", "-1", "16", "NaN", "fast", "Infinity"}) {
            assertTrue(rejected(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE, OrgConfig.MEMBER_RATE_VARIABLE, bad))
                    .contains(OrgConfig.MEMBER_RATE_VARIABLE), bad);
        }
    }

    @Test
    void aMemberRoleNameMustBeARoleNameAndSecurityHubIsRefused() {
        assertTrue(rejected(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE, "GUARDRAIL_MEMBER_ROLE_NAME", "role/with/path"))
                .contains("not an IAM role name"));
        assertEquals("Custom", OrgConfig.evaluator(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE, "GUARDRAIL_MEMBER_ROLE_NAME",
                "Custom")).memberRoleName());
        // Security Hub takes a verdict's findings from the alert topic (its exporter, single-account
        // findings only): no function reads the variable, so setting it fails every function's start.
        assertTrue(rejected(env(OrgConfig.QUEUE_URL_VARIABLE, QUEUE, "GUARDRAIL_SECURITY_HUB", "true"))
                .startsWith("GUARDRAIL_SECURITY_HUB: unknown variable"));
    }
}
