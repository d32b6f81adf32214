package io.github.lambdaguardrail.guard.moto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import software.amazon.awssdk.services.lambda.model.AddPermissionRequest;
import software.amazon.awssdk.services.lambda.model.AddPermissionResponse;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;

/**
 * The CloudTrail events ("AWS API Call via CloudTrail", EventBridge envelope) that AWS would have
 * delivered for calls the tests really made against moto, which records no CloudTrail itself.
 *
 * <p>Each event starts from a sample in the repository's {@code events/} folder, so every field
 * the tests do not set stays exactly as AWS emits it. The sample's account {@code 111122223333}
 * becomes moto's account everywhere (envelope, {@code recipientAccountId}, the caller's ARN) so the
 * record is actionable; the ids and times are new; {@code requestParameters} and
 * {@code responseElements} are the real call's request and response, rendered as CloudTrail
 * renders them ({@link SdkJson}), with {@code code} and {@code environment} emptied as CloudTrail
 * does.
 */
public final class CloudTrailEvents {

    /** The repository's {@code events/} folder. */
    static final Path EVENTS = eventsFolder();

    private CloudTrailEvents() {
    }

    /** {@code AddPermission20150331v2}: the statement is the one moto returned. */
    public static ObjectNode addPermission(AddPermissionRequest request, AddPermissionResponse response) {
        ObjectNode event = template("addpermission-public-principal.json");
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.set("requestParameters", SdkJson.toCloudTrail(request));
        detail.putObject("responseElements").put("statement", response.statement());
        return event;
    }

    /** {@code CreateFunction20150331}. */
    static ObjectNode createFunction(CreateFunctionRequest request, CreateFunctionResponse response) {
        ObjectNode event = template("createfunction-no-vpc.json");
        ObjectNode detail = (ObjectNode) event.get("detail");
        ObjectNode parameters = SdkJson.toCloudTrail(request);
        parameters.putObject("code");
        parameters.putObject("environment");
        detail.set("requestParameters", parameters);
        detail.set("responseElements", redacted(SdkJson.toCloudTrail(response)));
        return event;
    }

    /** {@code UpdateFunctionConfiguration20150331v2}. */
    static ObjectNode updateFunctionConfiguration(UpdateFunctionConfigurationRequest request,
                                                  UpdateFunctionConfigurationResponse response) {
        ObjectNode event = template("updatefunctionconfiguration-vpc-removed.json");
        ObjectNode detail = (ObjectNode) event.get("detail");
        ObjectNode parameters = SdkJson.toCloudTrail(request);
        if (parameters.has("environment")) {
            parameters.putObject("environment");
        }
        detail.set("requestParameters", parameters);
        detail.set("responseElements", redacted(SdkJson.toCloudTrail(response)));
        return event;
    }

    /**
     * The same call made by a Lambda function running under {@code roleArn}, as CloudTrail records
     * it: an {@code AssumedRole} identity whose {@code sessionContext.sessionIssuer.arn} is the role
     * (the caller ARN is the STS session ARN), with the Java SDK's user agent.
     */
    static ObjectNode byRole(ObjectNode event, String roleArn) {
        ObjectNode guardSample = (ObjectNode) template("updatefunctionconfiguration-by-guard-role.json").get("detail");
        ObjectNode identity = ((ObjectNode) guardSample.get("userIdentity")).deepCopy();
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String session = "guard-" + roleName;
        ObjectNode issuer = (ObjectNode) identity.get("sessionContext").get("sessionIssuer");
        issuer.put("arn", roleArn).put("userName", roleName);
        identity.put("arn", "arn:aws:sts::" + MotoWorld.ACCOUNT + ":assumed-role/" + roleName + "/" + session);
        identity.put("principalId", issuer.get("principalId").asText() + ":" + session);
        ObjectNode copy = event.deepCopy();
        ObjectNode detail = (ObjectNode) copy.get("detail");
        detail.set("userIdentity", identity);
        detail.set("userAgent", guardSample.get("userAgent"));
        return copy;
    }

    public static String eventId(ObjectNode event) {
        return event.get("detail").get("eventID").asText();
    }

    public static byte[] bytes(ObjectNode event) {
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode redacted(ObjectNode response) {
        if (response.has("environment")) {
            response.putObject("environment");
        }
        return response;
    }

    /** A sample event of {@code events/guardrail/} in moto's account, with fresh ids and the current time. */
    static ObjectNode guardrailSample(String file) {
        return template("guardrail/" + file);
    }

    /** A sample event in moto's account, with fresh ids and the current time. */
    private static ObjectNode template(String file) {
        try {
            String text = Files.readString(EVENTS.resolve(file)).replace(SampleEvent.ACCOUNT, MotoWorld.ACCOUNT);
            ObjectNode event = (ObjectNode) SdkJson.JSON.readTree(text);
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            event.put("id", UUID.randomUUID().toString()).put("time", now);
            ObjectNode detail = (ObjectNode) event.get("detail");
            detail.put("eventTime", now).put("eventID", UUID.randomUUID().toString())
                    .put("requestID", UUID.randomUUID().toString()).put("awsRegion", MotoWorld.REGION);
            event.put("region", MotoWorld.REGION);
            return event;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample event " + file, e);
        }
    }

    private static Path eventsFolder() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("events/README.md"))) {
                return dir.resolve("events");
            }
        }
        throw new IllegalStateException("no events/ folder above " + Path.of("").toAbsolutePath());
    }
}
