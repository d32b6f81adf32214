package io.github.lambdaguardrail.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.Actor;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Condition;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.LambdaEvent;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns one JSON value (EventBridge envelope or bare CloudTrail record) into a
 * {@link ParsedRecord}. Every input is treated as hostile: wrong types and missing fields give
 * {@link ParsedRecord.Invalid} with the reason, never an exception. The fields it reads are listed
 * in {@link CloudTrailReader#HEADER_FIELDS} and {@link CloudTrailReader#CHANGE_FIELDS}, for a
 * reader that frames records without parsing them: keep them in step with {@link #header} and
 * {@link #parseOrThrow}. Thread-safe.
 */
public final class RecordParser {

    static final String CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";
    static final String SCHEDULED_DETAIL_TYPE = "Scheduled Event";
    static final String LAMBDA_SOURCE = WatchedApi.Service.LAMBDA.eventSource();
    /** The most of one field an invalid record's description repeats: hostile input stays bounded. */
    static final int SEEN_MAX = 256;

    private static final List<String> REQUEST_ONLY = List.of("requestParameters");

    /**
     * The change fields the parser reads of a record with this header: a call that matters only on
     * the guardrail's resources is read from its request alone (its response, a whole function
     * configuration for UpdateFunctionCode, is never needed).
     */
    public static List<String> changeFieldsOf(JsonNode header) {
        Optional<WatchedApi> api = text(header, "eventSource")
                .flatMap(source -> text(header, "eventName").flatMap(name -> WatchedApi.forEvent(source, name)));
        return api.isPresent() && api.get().kind() == WatchedApi.Kind.GUARDRAIL_ONLY ? REQUEST_ONLY : CloudTrailReader.CHANGE_FIELDS;
    }

    private RecordParser() {
    }

    public static ParsedRecord parse(JsonNode node, int index) {
        try {
            return parseOrThrow(node, index);
        } catch (BadRecord e) {
            return new ParsedRecord.Invalid(index, e.getMessage(), seen(node));
        }
    }

    /**
     * {@link #parse} of a record's {@link CloudTrailReader#HEADER_FIELDS} alone: the same {@link ParsedRecord.Ignored}
     * for a record the engine ignores; anything else is to be parsed again with the change fields,
     * so an invalid one is not described.
     */
    public static ParsedRecord parseHeader(JsonNode header, int index) {
        try {
            return parseOrThrow(header, index);
        } catch (BadRecord e) {
            return new ParsedRecord.Invalid(index, e.getMessage());
        }
    }

    /** What can still be read of a record that is not usable, for the alert that names it. */
    private static Map<String, String> seen(JsonNode node) {
        Map<String, String> seen = new LinkedHashMap<>();
        if (node == null || !node.isObject()) {
            return seen;
        }
        JsonNode record = node.has("detail-type") ? node.path("detail") : node;
        for (String field : List.of("eventID", "eventName", "eventSource", "awsRegion", "recipientAccountId")) {
            text(record, field).ifPresent(v -> seen.put(field, bounded(v)));
        }
        JsonNode request = record.path("requestParameters");
        for (String field : List.of("functionName", "resource", "resourceArn", "name", "rule", "keyId", "topicArn")) {
            if (request.isObject()) {
                text(request, field).ifPresent(v -> seen.put(field, bounded(v)));
            }
        }
        text(record.path("userIdentity"), "arn").ifPresent(v -> seen.put("actor", bounded(v)));
        return seen;
    }

    static String bounded(String value) {
        return value.length() <= SEEN_MAX ? value : value.substring(0, SEEN_MAX) + "...";
    }

    private static ParsedRecord parseOrThrow(JsonNode node, int index) {
        if (node == null || !node.isObject()) {
            throw new BadRecord("not a JSON object");
        }
        JsonNode record = node;
        Optional<String> envelopeAccount = Optional.empty();
        Optional<String> envelopeRegion = Optional.empty();
        if (node.has("detail-type")) {
            String detailType = text(node, "detail-type").orElse("");
            if (SCHEDULED_DETAIL_TYPE.equals(detailType) && "aws.events".equals(text(node, "source").orElse(""))) {
                JsonNode resources = node.path("resources");
                return new ParsedRecord.Scheduled(index, resources.isArray() && resources.size() > 0
                        && resources.get(0).isTextual() ? bounded(resources.get(0).textValue()) : "");
            }
            if (!CLOUDTRAIL_DETAIL_TYPE.equals(detailType)) {
                throw new BadRecord("EventBridge event of type '" + detailType + "' is not '" + CLOUDTRAIL_DETAIL_TYPE + "'");
            }
            record = node.get("detail");
            if (record == null || !record.isObject()) {
                throw new BadRecord("EventBridge event has no detail object");
            }
            envelopeAccount = text(node, "account");
            envelopeRegion = text(node, "region");
        }
        String eventSource = text(record, "eventSource")
                .orElseThrow(() -> new BadRecord("not a CloudTrail record: no eventSource"));
        Optional<WatchedApi> api = text(record, "eventName").flatMap(name -> WatchedApi.forEvent(eventSource, name));
        if (!LAMBDA_SOURCE.equals(eventSource) && api.isEmpty()) {
            return new ParsedRecord.OtherService(index, eventSource);
        }
        RecordHeader header = header(record, envelopeAccount, envelopeRegion);
        Optional<String> errorCode = text(record, "errorCode");
        if (errorCode.isPresent()) {
            return new ParsedRecord.Ignored(index, header, "failed call (" + errorCode.get() + ")");
        }
        if (api.isEmpty()) {
            return new ParsedRecord.Ignored(index, header, "not a watched event");
        }
        JsonNode request = object(record, "requestParameters");
        JsonNode response = record.get("responseElements");
        if (api.get().kind() == WatchedApi.Kind.GUARDRAIL_ONLY) {
            return new ParsedRecord.Guarded(index, GuardrailCalls.of(header, api.get(), record, request));
        }
        LambdaChange change = switch (api.get()) {
            case CREATE_FUNCTION, UPDATE_FUNCTION_CONFIGURATION ->
                    functionConfigured(header, api.get() == WatchedApi.CREATE_FUNCTION, request, response);
            case ADD_PERMISSION -> permissionGranted(header, request, response);
            case PUT_RESOURCE_POLICY -> resourcePolicyReplaced(header, request);
            case CREATE_FUNCTION_URL_CONFIG, UPDATE_FUNCTION_URL_CONFIG -> functionUrlConfigured(header, request, response);
            case TAG_RESOURCE, UNTAG_RESOURCE -> tagsChanged(header, api.get() == WatchedApi.TAG_RESOURCE, request);
            default -> throw new IllegalStateException(api.get() + " is judged only on the guardrail's resources");
        };
        return new ParsedRecord.Watched(index, new LambdaEvent(header, api.get(), change));
    }

    private static RecordHeader header(JsonNode record, Optional<String> envelopeAccount, Optional<String> envelopeRegion) {
        String eventId = text(record, "eventID").orElseThrow(() -> new BadRecord("record has no eventID"));
        String eventName = text(record, "eventName").orElseThrow(() -> new BadRecord("record has no eventName"));
        String eventTime = text(record, "eventTime").orElseThrow(() -> new BadRecord("record has no eventTime"));
        JsonNode identity = object(record, "userIdentity");
        String account = text(record, "recipientAccountId").or(() -> envelopeAccount)
                .or(() -> text(identity, "accountId"))
                .orElseThrow(() -> new BadRecord("record names no account (recipientAccountId)"));
        String region = text(record, "awsRegion").or(() -> envelopeRegion)
                .orElseThrow(() -> new BadRecord("record has no awsRegion"));
        return new RecordHeader(eventId, eventName, eventTime, account, region, actor(identity));
    }

    private static Actor actor(JsonNode identity) {
        Optional<String> invokedBy = text(identity, "invokedBy");
        String arn = text(identity, "arn").or(() -> text(identity, "principalId")).or(() -> invokedBy)
                .orElseThrow(() -> new BadRecord("userIdentity has no arn or principalId"));
        Optional<String> roleArn = text(identity.path("sessionContext").path("sessionIssuer"), "arn");
        return new Actor(arn, text(identity, "type").orElse("Unknown"), roleArn, invokedBy);
    }

    private static LambdaChange.FunctionConfigured functionConfigured(RecordHeader header, boolean created,
                                                                      JsonNode request, JsonNode response) {
        boolean hasResponse = response != null && response.isObject();
        String nameOrArn = (hasResponse ? text(response, "functionArn") : Optional.<String>empty())
                .or(() -> text(request, "functionName"))
                .orElseThrow(() -> new BadRecord("requestParameters has no functionName"));
        FunctionRef function = Functions.ref(nameOrArn, Optional.empty(), header);
        Optional<VpcConfig> requested = request.has("vpcConfig") ? Optional.of(vpcConfig(request.get("vpcConfig"), "requestParameters.vpcConfig")) : Optional.empty();
        VpcConfig resulting;
        if (hasResponse && response.has("vpcConfig")) {
            resulting = vpcConfig(response.get("vpcConfig"), "responseElements.vpcConfig");
        } else if (hasResponse || created || requested.isPresent()) {
            resulting = requested.orElse(VpcConfig.NONE);
        } else {
            throw new BadRecord("responseElements missing: the resulting VPC config is unknown");
        }
        Map<String, String> tags = request.has("tags") ? tags(request.get("tags")) : Map.of();
        return new LambdaChange.FunctionConfigured(function, created, requested, resulting, tags);
    }

    private static LambdaChange.PermissionGranted permissionGranted(RecordHeader header, JsonNode request, JsonNode response) {
        String functionName = text(request, "functionName")
                .orElseThrow(() -> new BadRecord("requestParameters has no functionName"));
        FunctionRef function = Functions.ref(functionName, text(request, "qualifier"), header);
        String statementId = text(request, "statementId")
                .orElseThrow(() -> new BadRecord("requestParameters has no statementId"));
        JsonNode recorded = response != null && response.isObject() ? response.get("statement") : null;
        return new LambdaChange.PermissionGranted(function, matchingRequest(statement(recorded, statementId), request));
    }

    /**
     * The conditions Lambda writes into the statement for each narrowing AddPermission parameter.
     * Condition keys are compared in lower case, as {@link Condition} holds them.
     */
    private static final Map<String, Condition> NARROWING_PARAMETERS = Map.of(
            "sourceAccount", new Condition("StringEquals", "AWS:SourceAccount", List.of()),
            "sourceArn", new Condition("ArnLike", "AWS:SourceArn", List.of()),
            "principalOrgID", new Condition("StringEquals", "aws:PrincipalOrgID", List.of()),
            "functionUrlAuthType", new Condition("StringEquals", "lambda:FunctionUrlAuthType", List.of()),
            "eventSourceToken", new Condition("StringEquals", "lambda:EventSourceToken", List.of()));

    /**
     * The recorded statement, if it carries every condition the request asked for, with the
     * request's value: Lambda always writes them, so a statement without one was not recorded by
     * AWS and is unparseable (reported, never rolled back), whatever it would grant.
     */
    private static PolicyStatement matchingRequest(PolicyStatement recorded, JsonNode request) {
        return switch (recorded) {
            case PolicyStatement.Parsed parsed -> matchingRequest(parsed, request);
            case PolicyStatement.Unparseable unparseable -> unparseable;
        };
    }

    private static PolicyStatement matchingRequest(PolicyStatement.Parsed parsed, JsonNode request) {
        for (Map.Entry<String, Condition> parameter : NARROWING_PARAMETERS.entrySet()) {
            JsonNode asked = request.get(parameter.getKey());
            if (asked == null) {
                continue;
            }
            Condition expected = parameter.getValue();
            boolean carried = asked.isTextual() && parsed.conditions().contains(
                    new Condition(expected.operator(), expected.key(), List.of(asked.textValue())));
            if (!carried) {
                return new PolicyStatement.Unparseable(parsed.sid(), "the statement does not carry requestParameters."
                        + parameter.getKey() + " as the condition " + expected.operator() + " " + expected.key()
                        + ": the record is not as AWS writes it", parsed.raw());
            }
        }
        return parsed;
    }

    private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9A-Za-z]{1,40}");
    private static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-[0-9A-Za-z]{1,40}");
    private static final Pattern VPC_ID = Pattern.compile("vpc-[0-9A-Za-z]{1,40}");

    /** Ids as AWS writes them: anything else could make the guard act on a config it cannot read. */
    private static List<String> ids(List<String> ids, Pattern pattern, String field) {
        for (String id : ids) {
            if (!pattern.matcher(id).matches()) {
                throw new BadRecord(field + " holds '" + bounded(id) + "', not an id of that kind");
            }
        }
        return ids;
    }


    /**
     * The statement AddPermission added: {@code responseElements.statement} as a JSON string (as
     * Lambda renders it) or, read the same way, as a JSON object.
     */
    private static PolicyStatement statement(JsonNode recorded, String statementId) {
        if (recorded == null || recorded.isNull() || recorded.isTextual() && recorded.textValue().isEmpty()) {
            return new PolicyStatement.Unparseable(statementId, "responseElements.statement is missing", "");
        }
        if (recorded.isTextual()) {
            return StatementParser.parse(recorded.textValue(), statementId);
        }
        if (recorded.isObject()) {
            return StatementParser.parse(recorded, statementId);
        }
        return new PolicyStatement.Unparseable(statementId, "responseElements.statement is neither a string nor an object",
                bounded(Json.write(recorded)));
    }

    private static LambdaChange.ResourcePolicyReplaced resourcePolicyReplaced(RecordHeader header, JsonNode request) {
        String resourceArn = text(request, "resourceArn")
                .orElseThrow(() -> new BadRecord("requestParameters has no resourceArn"));
        FunctionRef function = Functions.ref(resourceArn, Optional.empty(), header);
        List<PolicyStatement> statements = text(request, "policy")
                .map(StatementParser::parseDocument)
                .orElseGet(() -> List.of(new PolicyStatement.Unparseable("", "requestParameters.policy is missing", "")));
        return new LambdaChange.ResourcePolicyReplaced(function, statements);
    }

    private static LambdaChange.FunctionUrlConfigured functionUrlConfigured(RecordHeader header, JsonNode request,
                                                                            JsonNode response) {
        String functionName = text(request, "functionName")
                .orElseThrow(() -> new BadRecord("requestParameters has no functionName"));
        FunctionRef function = Functions.ref(functionName, text(request, "qualifier"), header);
        String authType = (response != null && response.isObject() ? text(response, "authType") : Optional.<String>empty())
                .or(() -> text(request, "authType"))
                .orElseThrow(() -> new BadRecord("record has no authType"));
        return new LambdaChange.FunctionUrlConfigured(function, authType);
    }

    private static LambdaChange.TagsChanged tagsChanged(RecordHeader header, boolean tagged, JsonNode request) {
        String resource = text(request, "resource")
                .orElseThrow(() -> new BadRecord("requestParameters has no resource"));
        FunctionRef function = Functions.ref(resource, Optional.empty(), header);
        if (tagged) {
            return new LambdaChange.TagsChanged(function, tags(request.get("tags")), List.of());
        }
        if (!request.path("tagKeys").isArray()) {
            throw new BadRecord("requestParameters.tagKeys is not an array");
        }
        return new LambdaChange.TagsChanged(function, Map.of(), strings(request, "tagKeys", "requestParameters"));
    }

    /**
     * Tag text AWS could have stored: no control or format character (a bidi override, a zero-width
     * space) and no broken UTF-16. Lambda accepts more than the general tag character set (exemption
     * tags hold {@code *} and commas), so only what no AWS API accepts is refused.
     */
    private static final Pattern TAG_TEXT = Pattern.compile("[^\\p{Cc}\\p{Cf}\\p{Cs}]*");
    private static final int TAG_KEY_MAX = 128;
    private static final int TAG_VALUE_MAX = 256;

    /**
     * {@code requestParameters.tags}, read strictly: a tag AWS would refuse (not a string, a
     * character or length it rejects) makes the record unusable, since it could hide an exemption.
     */
    private static Map<String, String> tags(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new BadRecord("requestParameters.tags is not an object");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> tag : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            String key = tag.getKey();
            JsonNode value = tag.getValue();
            if (key.isEmpty() || key.codePointCount(0, key.length()) > TAG_KEY_MAX || !TAG_TEXT.matcher(key).matches()) {
                throw new BadRecord("requestParameters.tags holds the key '" + bounded(key) + "', which AWS refuses");
            }
            if (!value.isTextual()) {
                throw new BadRecord("requestParameters.tags." + bounded(key) + " is not a string");
            }
            String text = value.textValue();
            if (text.codePointCount(0, text.length()) > TAG_VALUE_MAX || !TAG_TEXT.matcher(text).matches()) {
                throw new BadRecord("requestParameters.tags." + bounded(key) + " holds a value AWS refuses");
            }
            tags.put(key, text);
        }
        return tags;
    }

    private static VpcConfig vpcConfig(JsonNode node, String field) {
        if (node.isNull()) {
            // A client may send "VpcConfig": null: no VPC, as when the key is left out.
            return VpcConfig.NONE;
        }
        if (!node.isObject()) {
            throw new BadRecord(field + " is not an object");
        }
        return new VpcConfig(ids(strings(node, "subnetIds", field), SUBNET_ID, field + ".subnetIds"),
                ids(strings(node, "securityGroupIds", field), SECURITY_GROUP_ID, field + ".securityGroupIds"),
                text(node, "vpcId").map(id -> ids(List.of(id), VPC_ID, field + ".vpcId").get(0)));
    }

    /** A list of strings, empty when the field is left out; {@code null} is not a list AWS writes. */
    static List<String> strings(JsonNode node, String name, String parent) {
        JsonNode value = node.get(name);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new BadRecord(parent + "." + name + " is not an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new BadRecord(parent + "." + name + " holds a value that is not a string");
            }
            out.add(item.textValue());
        }
        return out;
    }

    static JsonNode object(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isObject()) {
            throw new BadRecord("record has no " + field + " object");
        }
        return value;
    }

    /** The non-empty text of a field, if the field is a string. */
    static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty()
                ? Optional.of(value.textValue()) : Optional.empty();
    }

    /** Thrown inside the parser only; it becomes {@link ParsedRecord.Invalid}. */
    static final class BadRecord extends RuntimeException {
        BadRecord(String message) {
            super(message, null, false, false);
        }
    }
}
