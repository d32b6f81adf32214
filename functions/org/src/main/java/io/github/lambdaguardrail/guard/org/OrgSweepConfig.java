package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.RegionName;
import io.github.lambdaguardrail.guard.sweep.SweepConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The organisation sweep's configuration: the organisation functions' ({@link OrgConfig}), plus what
 * it sweeps and how fast; read once at cold start and validated completely.
 *
 * @param org             the guards' settings with the member role's name
 * @param regions         the governed regions, each swept in every member ({@code GUARDRAIL_GOVERNED_REGIONS},
 *                        comma-separated, required), in the given order, without duplicates
 * @param rolesStackSet   the StackSet of the member roles, whose stack instances are the members swept
 *                        ({@code GUARDRAIL_MEMBER_ROLES_STACK_SET})
 * @param rateLimit       Lambda requests per second in each member account and region, retries included
 *                        ({@code GUARDRAIL_SWEEP_RATE_LIMIT}, as the single-account sweep's)
 */
public record OrgSweepConfig(OrgConfig org, List<String> regions, String rolesStackSet, double rateLimit) {

    public static final String REGIONS_VARIABLE = "GUARDRAIL_GOVERNED_REGIONS";
    public static final String STACK_SET_VARIABLE = "GUARDRAIL_MEMBER_ROLES_STACK_SET";
    /** As the template's GovernedRegions parameter: commercial, GovCloud and China regions alike. */
    /** CloudFormation's StackSet names: a letter, then letters, digits and hyphens, at most 128. */
    private static final Pattern STACK_SET = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,127}");
    /** More would not fit one run: every region of every member is swept within one invocation. */
    static final int MAX_REGIONS = 50;

    public OrgSweepConfig {
        regions = List.copyOf(regions);
    }

    public static OrgSweepConfig fromEnvironment(Map<String, String> env) {
        OrgConfig org = OrgConfig.read(env, Set.of(REGIONS_VARIABLE, STACK_SET_VARIABLE, SweepConfig.RATE_LIMIT_VARIABLE));
        String rawRegions = env.getOrDefault(REGIONS_VARIABLE, "").trim();
        List<String> regions = Arrays.stream(rawRegions.split(",", -1)).map(String::trim).toList();
        if (rawRegions.isEmpty()) {
            throw new PolicyException(REGIONS_VARIABLE, "is required (the regions to sweep in every member, comma-separated)");
        }
        for (String region : regions) {
            if (!RegionName.isWellFormed(region)) {
                throw new PolicyException(REGIONS_VARIABLE, "'" + region + "' is not a region name such as eu-west-1");
            }
        }
        if (regions.size() != Set.copyOf(regions).size() || regions.size() > MAX_REGIONS) {
            throw new PolicyException(REGIONS_VARIABLE, "must name at most " + MAX_REGIONS + " regions, each once: " + rawRegions);
        }
        String stackSet = env.getOrDefault(STACK_SET_VARIABLE, "").trim();
        if (!STACK_SET.matcher(stackSet).matches()) {
            throw new PolicyException(STACK_SET_VARIABLE, stackSet.isEmpty() ? "is required (the member roles StackSet)"
                    : "'" + stackSet + "' is not a StackSet name");
        }
        double rate = SweepConfig.rateLimit(env);
        if (rate > OrgConfig.MAX_MEMBER_RATE) {
            // Lambda's control-plane quota of a member's account and region, which its own deployments share.
            throw new PolicyException(SweepConfig.RATE_LIMIT_VARIABLE, "'" + rate + "' is above a member's "
                    + (int) OrgConfig.MAX_MEMBER_RATE + " requests per second");
        }
        return new OrgSweepConfig(org, regions, stackSet, rate);
    }
}
