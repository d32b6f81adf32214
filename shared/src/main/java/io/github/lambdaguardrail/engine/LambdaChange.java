package io.github.lambdaguardrail.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a successful, watched Lambda API call changed. */
public sealed interface LambdaChange {

    /** The function (and qualifier) the call changed. */
    FunctionRef function();

    /** The resource-policy statements the call granted, in order: none for a change outside the resource policy. */
    default List<PolicyStatement> grantedStatements() {
        return switch (this) {
            case PermissionGranted granted -> List.of(granted.statement());
            case ResourcePolicyReplaced replaced -> replaced.statements();
            case FunctionConfigured configured -> List.of();
            case FunctionUrlConfigured url -> List.of();
            case TagsChanged tags -> List.of();
        };
    }

    /**
     * {@code CreateFunction} or {@code UpdateFunctionConfiguration}.
     *
     * @param created      true for {@code CreateFunction}
     * @param requestedVpc the {@code vpcConfig} of the request; empty when the call did not touch
     *                     the VPC settings (an update without {@code vpcConfig})
     * @param resultingVpc the VPC config after the call, from the response (or the request when
     *                     the response has none); {@link VpcConfig#NONE} outside any VPC
     * @param tags         tags set by the call ({@code CreateFunction} only); never logged
     */
    record FunctionConfigured(FunctionRef function, boolean created, Optional<VpcConfig> requestedVpc,
                              VpcConfig resultingVpc, Map<String, String> tags) implements LambdaChange {

        public FunctionConfigured {
            tags = Map.copyOf(tags);
        }

        /** Whether the call itself set the VPC config (a create always does). */
        public boolean touchedVpc() {
            return created || requestedVpc.isPresent();
        }
    }

    /** {@code AddPermission}: one statement added to the function's (or qualifier's) policy. */
    record PermissionGranted(FunctionRef function, PolicyStatement statement) implements LambdaChange {
    }

    /**
     * {@code PutResourcePolicy}: the whole resource policy replaced by a new document.
     *
     * @param statements every statement of the new document, in order (Sids may repeat or be absent)
     */
    record ResourcePolicyReplaced(FunctionRef function, List<PolicyStatement> statements) implements LambdaChange {

        public ResourcePolicyReplaced {
            statements = List.copyOf(statements);
        }
    }

    /**
     * {@code CreateFunctionUrlConfig} or {@code UpdateFunctionUrlConfig}.
     *
     * @param authType {@code NONE} or {@code AWS_IAM} as recorded
     */
    record FunctionUrlConfigured(FunctionRef function, String authType) implements LambdaChange {
    }

    /**
     * {@code TagResource} or {@code UntagResource} on a function.
     *
     * @param set     tags the call set (TagResource); their values are never logged
     * @param removed tag keys the call removed (UntagResource)
     */
    record TagsChanged(FunctionRef function, Map<String, String> set, List<String> removed) implements LambdaChange {

        public TagsChanged {
            set = Map.copyOf(set);
            removed = List.copyOf(removed);
        }
    }
}
