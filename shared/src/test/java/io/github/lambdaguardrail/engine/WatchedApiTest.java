package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CloudTrail event names with and without API version suffixes. */
class WatchedApiTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "CreateFunction, CREATE_FUNCTION",
            "CreateFunction20150331, CREATE_FUNCTION",
            "UpdateFunctionConfiguration20150331v2, UPDATE_FUNCTION_CONFIGURATION",
            "UpdateFunctionConfiguration, UPDATE_FUNCTION_CONFIGURATION",
            "AddPermission20150331v2, ADD_PERMISSION",
            "AddPermission20150331, ADD_PERMISSION",
            "AddPermission, ADD_PERMISSION",
            "PutResourcePolicy20260709, PUT_RESOURCE_POLICY",
            "CreateFunctionUrlConfig20211031, CREATE_FUNCTION_URL_CONFIG",
            "CreateFunctionUrlConfig, CREATE_FUNCTION_URL_CONFIG",
            "UpdateFunctionUrlConfig20211031, UPDATE_FUNCTION_URL_CONFIG",
    })
    void versionedEventNameMapsToItsApi(String eventName, WatchedApi api) {
        assertEquals(Optional.of(api), WatchedApi.forEvent("lambda.amazonaws.com", eventName));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GetFunction20150331v2", "GetFunction", "CreateFunctionX", "AddPermission2015", "AddPermission20150331v2x",
            "createfunction20150331", "CreateFunction20150331 ", "", "CreateEventSourceMapping20150331",
            "AddPermission20150331v", "AddPermission201503310", "AddPermission2015033x", "AddPermission20150331v2v"})
    void otherEventNameIsNotWatched(String eventName) {
        assertEquals(Optional.empty(), WatchedApi.forEvent("lambda.amazonaws.com", eventName));
    }

    @Test
    void functionUrlConfigIsNeverTakenForCreateFunction() {
        LambdaEvent event = TestRecords.watched(TestRecords.createFunctionUrlConfig("public-webhook", "NONE"));
        assertEquals(WatchedApi.CREATE_FUNCTION_URL_CONFIG, event.api());
        Verdict v = new GuardrailEngine(Policy.defaults(), java.util.Set.of()).evaluate(event, FunctionFacts.NONE);
        assertEquals(java.util.List.of(), TestRecords.statuses(v, RuleId.LAMBDA_NOT_IN_VPC));
    }

    @Test
    void guardsSplitTheWatchedApis() {
        assertEquals(java.util.List.of(WatchedApi.CREATE_FUNCTION, WatchedApi.UPDATE_FUNCTION_CONFIGURATION,
                WatchedApi.TAG_RESOURCE, WatchedApi.UNTAG_RESOURCE), WatchedApi.functionConfiguration());
        assertEquals(4, WatchedApi.resourcePolicy().size());
        assertEquals("CreateFunctionUrlConfig", WatchedApi.CREATE_FUNCTION_URL_CONFIG.baseName());
    }
}
