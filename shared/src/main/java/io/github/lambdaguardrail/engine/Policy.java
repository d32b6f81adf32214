package io.github.lambdaguardrail.engine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable policy (DESIGN §4). Build it with {@link PolicyLoader}; an empty
 * allow-list means "any". Thread-safe.
 */
public record Policy(Mode mode, Vpc vpc, Permissions permissions, Exemptions exemptions, Guardrail guardrail,
                     Map<RuleId, Mode> rules) {

    public Policy {
        if (mode == Mode.OFF) {
            throw new IllegalArgumentException("mode must be notify or rollback");
        }
        for (RuleId audit : rules.keySet()) {
            if (audit.isAudit()) {
                throw new IllegalArgumentException(audit + " cannot be overridden");
            }
        }
        rules = rules.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(rules));
    }

    /** The policy with every default of DESIGN §4. */
    public static Policy defaults() {
        return new Policy(Mode.NOTIFY, Vpc.DEFAULT, Permissions.DEFAULT, Exemptions.DEFAULT, Guardrail.NONE, Map.of());
    }

    /** The same policy with another default mode (the command line's {@code --mode}). */
    public Policy withMode(Mode newMode) {
        return new Policy(newMode, vpc, permissions, exemptions, guardrail, rules);
    }

    /** The mode a rule follows: its override, else the policy's mode; an audit rule always notifies. */
    public Mode modeFor(RuleId rule) {
        return rule.isAudit() ? Mode.NOTIFY : rules.getOrDefault(rule, mode);
    }

    public record Vpc(boolean required, List<String> allowedVpcIds, List<String> allowedSubnetIds,
                      List<String> allowedSecurityGroupIds, List<String> deniedSecurityGroupIds) {
        public static final Vpc DEFAULT = new Vpc(true, List.of(), List.of(), List.of(), List.of());

        public Vpc {
            allowedVpcIds = List.copyOf(allowedVpcIds);
            allowedSubnetIds = List.copyOf(allowedSubnetIds);
            allowedSecurityGroupIds = List.copyOf(allowedSecurityGroupIds);
            deniedSecurityGroupIds = List.copyOf(deniedSecurityGroupIds);
        }
    }

    public record Permissions(List<String> trustedAccountIds, List<String> trustedOrgIds, List<String> allowedActions,
                              boolean requireSourceForServicePrincipals, boolean allowPublicFunctionUrls) {
        public static final Permissions DEFAULT = new Permissions(List.of(), List.of(),
                List.of("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"), true, false);

        public Permissions {
            trustedAccountIds = List.copyOf(trustedAccountIds);
            trustedOrgIds = List.copyOf(trustedOrgIds);
            allowedActions = List.copyOf(allowedActions);
        }
    }

    /**
     * @param tagKey               function tag whose value is {@code *} or a comma list of rule ids
     * @param functionNamePatterns globs on the function name ({@code *} and {@code ?})
     * @param actorArnPatterns     globs on the caller's ARN or role ARN (a break-glass role)
     */
    public record Exemptions(String tagKey, List<String> functionNamePatterns, List<String> actorArnPatterns) {
        public static final Exemptions DEFAULT = new Exemptions("guardrail:exempt", List.of(), List.of());

        public Exemptions {
            functionNamePatterns = List.copyOf(functionNamePatterns);
            actorArnPatterns = List.copyOf(actorArnPatterns);
        }
    }

    /**
     * The guardrail's own deployment, so that a change to it is reported as a tamper and its own
     * functions (which run outside a VPC by design) are exempt from the VPC rules, by exact ARN.
     *
     * @param resourceArns ARNs of the guardrail's functions, EventBridge rules, KMS key and SNS topics
     */
    public record Guardrail(List<String> resourceArns) {
        public static final Guardrail NONE = new Guardrail(List.of());

        public Guardrail {
            resourceArns = List.copyOf(resourceArns);
        }

    }
}
