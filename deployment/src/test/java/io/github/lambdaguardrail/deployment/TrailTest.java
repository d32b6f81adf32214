package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.event.ruler.Machine;

/**
 * The optional trail ({@code CreateTrail=true}) keeps its logs readable after {@code sam delete}:
 * they are encrypted with a key of their own that is retained with the bucket, while a stack
 * without a trail leaves no key behind. A change to that key is a tamper like one to the alert key.
 */
class TrailTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> GUARDS = List.of("VpcGuardFunction", "PermissionGuardFunction");

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    private static Map<String, String> withTrail(boolean trail) {
        Map<String, String> values = new HashMap<>(Template.EXAMPLE);
        values.put("CreateTrail", String.valueOf(trail));
        return values;
    }

    @Test
    void trailLogsAndTheirKeyAreRetainedTogether() {
        Map<String, Object> key = Template.at(template.resources(), "TrailKey");
        Map<String, Object> bucket = Template.at(template.resources(), "TrailBucket");
        for (Map<String, Object> resource : List.of(key, bucket)) {
            assertEquals("ShouldCreateTrail", resource.get("Condition"));
            assertEquals("Retain", resource.get("DeletionPolicy"));
            assertEquals("Retain", resource.get("UpdateReplacePolicy"));
        }
        Map<String, Object> trailKeyArn = Map.of("Fn::GetAtt", List.of("TrailKey", "Arn"));
        assertEquals(trailKeyArn, Template.at(template.properties("Trail"), "KMSKeyId"));
        List<Map<String, Object>> rules = Template.at(template.properties("TrailBucket"), "BucketEncryption",
                "ServerSideEncryptionConfiguration");
        assertEquals(trailKeyArn, Template.at(rules.get(0), "ServerSideEncryptionByDefault", "KMSMasterKeyID"));
        assertEquals(true, Template.at(template.properties("TrailKey"), "EnableKeyRotation"));
    }

    @Test
    void alertKeyNoLongerServesTheTrailAndIsDeletedWithTheStack() {
        Map<String, Object> alertKey = Template.at(template.resources(), "AlertKey");
        assertFalse(alertKey.containsKey("DeletionPolicy"), "the alert key goes with the stack");
        assertFalse(String.valueOf(template.properties("AlertKey").get("KeyPolicy")).contains("cloudtrail.amazonaws.com"),
                "CloudTrail encrypts with the trail key only");
    }

    @ParameterizedTest(name = "CreateTrail={0}")
    @ValueSource(booleans = {true, false})
    void ownResourcesNameTheTrailKeyExactlyWhenThereIsATrail(boolean trail) {
        Map<String, String> values = withTrail(trail);
        Object own = Template.at(template.root(), "Globals", "Function", "Environment", "Variables", "GUARDRAIL_OWN_RESOURCES");
        List<String> listed = List.of(((String) template.resolve(own, values)).split(","));
        assertTrue(listed.contains(values.get("AlertKey.Arn")));
        assertEquals(trail, listed.contains(values.get("TrailKey.Arn")));
    }

    @ParameterizedTest(name = "CreateTrail={0}")
    @ValueSource(booleans = {true, false})
    @SuppressWarnings("unchecked")
    void schedulingTheTrailKeysDeletionIsATamperExactlyWhenTheStackOwnsIt(boolean trail) throws Exception {
        Map<String, String> values = withTrail(trail);
        for (String guard : GUARDS) {
            Machine machine = Machine.builder().build();
            Map<String, Object> rule = Template.at(template.properties(guard), "Events", "GuardrailChanged");
            machine.addRule("tamper", JSON.writeValueAsString(template.resolve(Template.at(rule, "Properties", "Pattern"), values)));
            for (String keyId : List.of(values.get("TrailKey"), values.get("TrailKey.Arn"))) {
                assertEquals(trail, !machine.rulesForJSONEvent(scheduleKeyDeletion(keyId)).isEmpty(), guard + " " + keyId);
            }
            assertFalse(machine.rulesForJSONEvent(scheduleKeyDeletion(values.get("AlertKey"))).isEmpty(),
                    guard + ": the alert key is watched either way");
        }
    }

    private static String scheduleKeyDeletion(String keyId) {
        return """
                {"version":"0","id":"4c8a0a43-7f8e-1b22-9d3c-0e1f2a3b4c5d","detail-type":"AWS API Call via CloudTrail",
                 "source":"aws.kms","account":"111122223333","time":"2026-03-02T10:00:00Z","region":"us-east-1",
                 "resources":[],"detail":{"eventSource":"kms.amazonaws.com","eventName":"ScheduleKeyDeletion",
                 "requestParameters":{"keyId":"%s","pendingWindowInDays":7}}}""".formatted(keyId);
    }
}
