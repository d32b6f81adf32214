package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Policy defaults, the JSON document and the environment variables. */
class PolicyLoaderTest {

    @Nested
    class Defaults {

        @Test
        void defaultsMatchTheDesign() {
            Policy d = Policy.defaults();
            assertEquals(Mode.NOTIFY, d.mode());
            assertEquals(new Policy.Vpc(true, List.of(), List.of(), List.of(), List.of()), d.vpc());
            assertEquals(new Policy.Permissions(List.of(), List.of(), List.of("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"),
                    true, false), d.permissions());
            assertEquals(new Policy.Exemptions("guardrail:exempt", List.of(), List.of()), d.exemptions());
            assertEquals(Map.of(), d.rules());
            for (RuleId rule : RuleId.values()) {
                assertEquals(Mode.NOTIFY, d.modeFor(rule));
            }
        }

        @Test
        void emptyDocumentAndEmptyEnvironmentGiveTheDefaults() {
            assertEquals(Policy.defaults(), TestRecords.policy("{}"));
            assertEquals(Policy.defaults(), PolicyLoader.fromEnvironment(Map.of(), Set.of()));
        }

        @Test
        void blankVariablesTakeTheirDefaults() {
            Map<String, String> env = Map.of("GUARDRAIL_MODE", " ", "GUARDRAIL_ALLOWED_ACTIONS", "", "GUARDRAIL_VPC_REQUIRED", "",
                    "GUARDRAIL_EXEMPT_TAG_KEY", "");
            assertEquals(Policy.defaults(), PolicyLoader.fromEnvironment(env, Set.of()));
        }

        @Test
        void withModeChangesOnlyTheMode() {
            Policy p = TestRecords.policy("{\"rules\":{\"PERMISSION_PUBLIC\":\"notify\"},\"vpc\":{\"required\":false}}");
            Policy r = p.withMode(Mode.ROLLBACK);
            assertEquals(Mode.ROLLBACK, r.mode());
            assertEquals(Mode.ROLLBACK, r.modeFor(RuleId.LAMBDA_NOT_IN_VPC));
            assertEquals(Mode.NOTIFY, r.modeFor(RuleId.PERMISSION_PUBLIC));
            assertEquals(p.vpc(), r.vpc());
        }

        @Test
        void offIsNotAPolicyMode() {
            assertThrows(IllegalArgumentException.class, () -> Policy.defaults().withMode(Mode.OFF));
        }
    }

    @Nested
    class JsonDocument {

        @Test
        void fullDocumentSetsEveryField() throws IOException {
            String json = """
                    {
                      "mode": "rollback",
                      "vpc": { "required": false, "allowedVpcIds": ["vpc-0a1b2c3d4e5f60001"],
                               "allowedSubnetIds": ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"],
                               "allowedSecurityGroupIds": ["sg-0a1b2c3d4e5f60021"],
                               "deniedSecurityGroupIds": ["sg-0badbadbadbad0001"] },
                      "permissions": { "trustedAccountIds": ["444455556666"], "trustedOrgIds": ["o-exampleorg1"],
                                       "allowedActions": ["lambda:InvokeFunction"],
                                       "requireSourceForServicePrincipals": false, "allowPublicFunctionUrls": true },
                      "exemptions": { "tagKey": "security:exempt", "functionNamePatterns": ["sandbox-*"],
                                      "actorArnPatterns": ["arn:aws:iam::111122223333:role/break-glass"] },
                      "rules": { "PERMISSION_SERVICE_WITHOUT_SOURCE": "notify", "LAMBDA_VPC_NOT_ALLOWED": "off" }
                    }""";
            Policy p = PolicyLoader.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
            assertEquals(Mode.ROLLBACK, p.mode());
            assertEquals(new Policy.Vpc(false, List.of("vpc-0a1b2c3d4e5f60001"),
                    List.of("subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"), List.of("sg-0a1b2c3d4e5f60021"),
                    List.of("sg-0badbadbadbad0001")), p.vpc());
            assertEquals(new Policy.Permissions(List.of("444455556666"), List.of("o-exampleorg1"), List.of("lambda:InvokeFunction"),
                    false, true), p.permissions());
            assertEquals(new Policy.Exemptions("security:exempt", List.of("sandbox-*"),
                    List.of("arn:aws:iam::111122223333:role/break-glass")), p.exemptions());
            assertEquals(Mode.NOTIFY, p.modeFor(RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE));
            assertEquals(Mode.OFF, p.modeFor(RuleId.LAMBDA_VPC_NOT_ALLOWED));
            assertEquals(Mode.ROLLBACK, p.modeFor(RuleId.PERMISSION_PUBLIC));
        }

        @Test
        void partialSectionKeepsTheOtherDefaultsOfThatSection() {
            Policy p = TestRecords.policy("{\"permissions\":{\"trustedAccountIds\":[\"444455556666\"]}}");
            assertEquals(List.of("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"), p.permissions().allowedActions());
            assertTrue(p.permissions().requireSourceForServicePrincipals());
            assertEquals("guardrail:exempt", p.exemptions().tagKey());
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
                "{\"mode\":\"off\"}                                                         | mode",
                "{\"mode\":\"ROLLBACK\"}                                                    | mode",
                "{\"mode\":1}                                                               | mode",
                "{\"mode\":null}                                                            | mode",
                "{\"colour\":\"blue\"}                                                      | colour",
                "{\"Mode\":\"notify\"}                                                      | Mode",
                "{\"vpc\":[]}                                                               | vpc",
                "{\"vpc\":null}                                                             | vpc",
                "{\"vpc\":{\"requird\":true}}                                               | vpc.requird",
                "{\"vpc\":{\"required\":\"yes\"}}                                           | vpc.required",
                "{\"vpc\":{\"allowedVpcIds\":[\"vpc-zzz\"]}}                                | vpc.allowedVpcIds[0]",
                "{\"vpc\":{\"allowedSubnetIds\":[\"subnet-0a1b2c3d4e5f60011\",\"sg-0a1b2c3d4e5f60021\"]}} | vpc.allowedSubnetIds[1]",
                "{\"vpc\":{\"allowedSubnetIds\":\"subnet-0a1b2c3d4e5f60011\"}}              | vpc.allowedSubnetIds",
                "{\"vpc\":{\"allowedSecurityGroupIds\":[21]}}                               | vpc.allowedSecurityGroupIds[0]",
                "{\"vpc\":{\"deniedSecurityGroupIds\":[\"sg-0badbadbadbad0001\",\"\"]}}     | vpc.deniedSecurityGroupIds[1]",
                "{\"permissions\":{\"trustedAccountIds\":[\"12345\"]}}                      | permissions.trustedAccountIds[0]",
                "{\"permissions\":{\"trustedAccountIds\":[\"444455556666\",\"1234567890123\"]}} | permissions.trustedAccountIds[1]",
                "{\"permissions\":{\"trustedAccountIds\":[\" 444455556666\"]}}              | permissions.trustedAccountIds[0]",
                "{\"permissions\":{\"trustedOrgIds\":[\"org-exampleorg1\"]}}                | permissions.trustedOrgIds[0]",
                "{\"permissions\":{\"allowedActions\":[\"InvokeFunction\"]}}                | permissions.allowedActions[0]",
                "{\"permissions\":{\"allowedActions\":[]}}                                | permissions.allowedActions",
                "{\"permissions\":{\"requireSourceForServicePrincipals\":\"false\"}}        | permissions.requireSourceForServicePrincipals",
                "{\"permissions\":{\"allowPublicFunctionUrls\":1}}                          | permissions.allowPublicFunctionUrls",
                "{\"permissions\":{\"trustedAccounts\":[]}}                                 | permissions.trustedAccounts",
                "{\"exemptions\":{\"tagKey\":\"\"}}                                         | exemptions.tagKey",
                "{\"exemptions\":{\"tagKey\":5}}                                            | exemptions.tagKey",
                "{\"exemptions\":{\"tagKey\":\"bad#key\"}}                                  | exemptions.tagKey",
                "{\"exemptions\":{\"functionNamePatterns\":[\"sandbox-*\",\"\"]}}           | exemptions.functionNamePatterns[1]",
                "{\"exemptions\":{\"actorArnPatterns\":[null]}}                             | exemptions.actorArnPatterns[0]",
                "{\"exemptions\":{\"tag\":\"guardrail:exempt\"}}                            | exemptions.tag",
                "{\"rules\":{\"NOT_A_RULE\":\"off\"}}                                       | rules.NOT_A_RULE",
                "{\"rules\":{\"permission_public\":\"off\"}}                                | rules.permission_public",
                "{\"rules\":{\"PERMISSION_PUBLIC\":\"disabled\"}}                           | rules.PERMISSION_PUBLIC",
                "{\"rules\":{\"PERMISSION_PUBLIC\":false}}                                  | rules.PERMISSION_PUBLIC",
                "{\"rules\":[]}                                                             | rules",
        })
        void invalidValueNamesTheExactKey(String json, String key) {
            PolicyException e = assertThrows(PolicyException.class, () -> TestRecords.policy(json));
            assertEquals(key, e.key(), e::getMessage);
            assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
        }

        @Test
        void unknownRuleIdMessageListsTheValidIds() {
            PolicyException e = assertThrows(PolicyException.class, () -> TestRecords.policy("{\"rules\":{\"NOT_A_RULE\":\"off\"}}"));
            assertTrue(e.getMessage().contains("PERMISSION_SERVICE_WITHOUT_SOURCE"), e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"mode\":", "[]", "\"notify\"", "not json"})
        void documentThatIsNotAJsonObjectIsRejectedAsPolicy(String text) {
            PolicyException e = assertThrows(PolicyException.class,
                    () -> PolicyLoader.fromJson(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
            assertEquals("policy", e.key());
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"mode\":\"notify\",\"mode\":\"rollback\"}",
                "{\"permissions\":{\"trustedAccountIds\":[],\"trustedAccountIds\":[\"444455556666\"]}}",
                "{\"mode\":\"notify\"} {\"mode\":\"rollback\"}", "{\"mode\":\"notify\"}}"})
        void documentWithAKeyTwiceOrTextAfterItIsRejectedAsPolicy(String text) {
            PolicyException e = assertThrows(PolicyException.class,
                    () -> PolicyLoader.fromJson(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
            assertEquals("policy", e.key());
            assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        }

        @Test
        void emptyDocumentStreamIsRejected() {
            PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.fromJson(new ByteArrayInputStream(new byte[0])));
            assertEquals("policy", e.key());
        }
    }

    @Nested
    class Environment {

        @Test
        void everyVariableIsRead() {
            Map<String, String> env = new HashMap<>();
            env.put("GUARDRAIL_MODE", "rollback");
            env.put("GUARDRAIL_VPC_REQUIRED", "FALSE");
            env.put("GUARDRAIL_ALLOWED_VPC_IDS", "vpc-0a1b2c3d4e5f60001");
            env.put("GUARDRAIL_ALLOWED_SUBNET_IDS", " subnet-0a1b2c3d4e5f60011 , subnet-0a1b2c3d4e5f60012 ,");
            env.put("GUARDRAIL_ALLOWED_SECURITY_GROUP_IDS", "sg-0a1b2c3d4e5f60021");
            env.put("GUARDRAIL_DENIED_SECURITY_GROUP_IDS", "sg-0badbadbadbad0001");
            env.put("GUARDRAIL_TRUSTED_ACCOUNT_IDS", "444455556666, 777788889999");
            env.put("GUARDRAIL_TRUSTED_ORG_IDS", "o-exampleorg1");
            env.put("GUARDRAIL_ALLOWED_ACTIONS", "lambda:InvokeFunction");
            env.put("GUARDRAIL_ALLOW_PUBLIC_FUNCTION_URLS", "true");
            env.put("GUARDRAIL_REQUIRE_SOURCE_FOR_SERVICE_PRINCIPALS", "False");
            env.put("GUARDRAIL_EXEMPT_TAG_KEY", "security:exempt");
            env.put("GUARDRAIL_EXEMPT_FUNCTION_PATTERNS", "sandbox-*, legacy-??");
            env.put("GUARDRAIL_EXEMPT_ACTOR_PATTERNS", "arn:aws:iam::111122223333:role/break-glass*");
            env.put("GUARDRAIL_RULES", "PERMISSION_SERVICE_WITHOUT_SOURCE=notify, LAMBDA_VPC_NOT_ALLOWED = off");
            Policy p = PolicyLoader.fromEnvironment(env, Set.of());
            assertEquals(Mode.ROLLBACK, p.mode());
            assertEquals(new Policy.Vpc(false, List.of("vpc-0a1b2c3d4e5f60001"),
                    List.of("subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"), List.of("sg-0a1b2c3d4e5f60021"),
                    List.of("sg-0badbadbadbad0001")), p.vpc());
            assertEquals(new Policy.Permissions(List.of("444455556666", "777788889999"), List.of("o-exampleorg1"),
                    List.of("lambda:InvokeFunction"), false, true), p.permissions());
            assertEquals(new Policy.Exemptions("security:exempt", List.of("sandbox-*", "legacy-??"),
                    List.of("arn:aws:iam::111122223333:role/break-glass*")), p.exemptions());
            assertEquals(Map.of(RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE, Mode.NOTIFY, RuleId.LAMBDA_VPC_NOT_ALLOWED, Mode.OFF), p.rules());
        }

        @Test
        void environmentAndEquivalentDocumentGiveTheSamePolicy() {
            Policy fromEnv = PolicyLoader.fromEnvironment(Map.of("GUARDRAIL_MODE", "rollback",
                    "GUARDRAIL_TRUSTED_ACCOUNT_IDS", "444455556666", "GUARDRAIL_RULES", "PERMISSION_PUBLIC=notify"), Set.of());
            Policy fromJson = TestRecords.policy("{\"mode\":\"rollback\",\"permissions\":{\"trustedAccountIds\":[\"444455556666\"]},"
                    + "\"rules\":{\"PERMISSION_PUBLIC\":\"notify\"}}");
            assertEquals(fromJson, fromEnv);
        }

        @Test
        void theCallersOwnAndForeignVariablesAreAccepted() {
            Map<String, String> env = Map.of("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:guardrail",
                    "GUARDRAIL_DRY_RUN", "true",
                    "AWS_REGION", "us-east-1", "PATH", "/usr/bin", "AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
            assertEquals(Policy.defaults(), PolicyLoader.fromEnvironment(env, Set.of("GUARDRAIL_TOPIC_ARN", "GUARDRAIL_DRY_RUN")));
            PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.fromEnvironment(env,
                    Set.of("GUARDRAIL_TOPIC_ARN")));
            assertEquals("GUARDRAIL_DRY_RUN", e.key(), "a variable the caller does not read is unknown");
        }

        @ParameterizedTest(name = "{0}={1} -> {2}")
        @CsvSource(delimiter = '|', value = {
                "GUARDRAIL_MODE                                 | off                                           | GUARDRAIL_MODE",
                "GUARDRAIL_MODE                                 | Rollback                                      | GUARDRAIL_MODE",
                "GUARDRAIL_VPC_REQUIRED                         | yes                                           | GUARDRAIL_VPC_REQUIRED",
                "GUARDRAIL_ALLOW_PUBLIC_FUNCTION_URLS           | 1                                             | GUARDRAIL_ALLOW_PUBLIC_FUNCTION_URLS",
                "GUARDRAIL_REQUIRE_SOURCE_FOR_SERVICE_PRINCIPALS| no                                            | GUARDRAIL_REQUIRE_SOURCE_FOR_SERVICE_PRINCIPALS",
                "GUARDRAIL_ALLOWED_VPC_IDS                      | vpc-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60011 | GUARDRAIL_ALLOWED_VPC_IDS",
                "GUARDRAIL_ALLOWED_SUBNET_IDS                   | subnet-0a1b2c3d4e5f60011 subnet-0a1b2c3d4e5f60012 | GUARDRAIL_ALLOWED_SUBNET_IDS",
                "GUARDRAIL_ALLOWED_SECURITY_GROUP_IDS           | sg-XYZ                                        | GUARDRAIL_ALLOWED_SECURITY_GROUP_IDS",
                "GUARDRAIL_DENIED_SECURITY_GROUP_IDS            | sg-0badbadbadbad0001;sg-0a1b2c3d4e5f60021      | GUARDRAIL_DENIED_SECURITY_GROUP_IDS",
                "GUARDRAIL_TRUSTED_ACCOUNT_IDS                  | 444455556666,12345                            | GUARDRAIL_TRUSTED_ACCOUNT_IDS",
                "GUARDRAIL_TRUSTED_ORG_IDS                      | o-EXAMPLE                                     | GUARDRAIL_TRUSTED_ORG_IDS",
                "GUARDRAIL_ALLOWED_ACTIONS                      | InvokeFunction                                | GUARDRAIL_ALLOWED_ACTIONS",
                "GUARDRAIL_EXEMPT_TAG_KEY                       | bad#key                                       | GUARDRAIL_EXEMPT_TAG_KEY",
                "GUARDRAIL_RULES                                | NOT_A_RULE=off                                | GUARDRAIL_RULES",
                "GUARDRAIL_RULES                                | PERMISSION_PUBLIC                             | GUARDRAIL_RULES",
                "GUARDRAIL_RULES                                | PERMISSION_PUBLIC=maybe                       | GUARDRAIL_RULES",
                "GUARDRAIL_RULES                                | PERMISSION_PUBLIC:off                         | GUARDRAIL_RULES",
                "GUARDRAIL_MODEE                                | notify                                        | GUARDRAIL_MODEE",
                "GUARDRAIL_TRUSTED_ACCOUNTS                     | 444455556666                                  | GUARDRAIL_TRUSTED_ACCOUNTS",
        })
        void invalidVariableNamesTheVariable(String name, String value, String key) {
            PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.fromEnvironment(Map.of(name, value), Set.of()));
            assertEquals(key, e.key(), e::getMessage);
        }

        @Test
        void unknownVariableMessageListsTheValidOnes() {
            PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.fromEnvironment(
                    Map.of("GUARDRAIL_TOPIC", "arn:aws:sns:us-east-1:111122223333:t"), Set.of("GUARDRAIL_TOPIC_ARN")));
            assertTrue(e.getMessage().contains("GUARDRAIL_TOPIC_ARN"), e.getMessage());
            assertTrue(e.getMessage().contains("GUARDRAIL_MODE"), e.getMessage());
        }
    }
}
