package io.github.lambdaguardrail.engine.internal;

import io.github.lambdaguardrail.engine.Condition;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.Principal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a parsed statement's conditions really restrict. Conditions can only narrow a grant, so
 * anything not understood is counted as narrowing nothing (fail closed): unknown keys, negated
 * or {@code IfExists} operators, and wildcard values, which match everything. In a policy
 * document, a Deny statement of one exact shape narrows an Allow for {@code *} to an
 * organisation, as {@code aws:PrincipalOrgID} would (see {@link #of(PolicyStatement.Parsed, List)}).
 *
 * @param sourceAccounts concrete {@code aws:SourceAccount} values
 * @param sourceArnAccounts accounts named by concrete {@code aws:SourceArn} values
 * @param specificSourceArn an {@code aws:SourceArn} condition pins a concrete source: each of its values
 *                          names a concrete account, or (without one) a resource
 * @param accountlessSourceArn some such value names no account (an S3 bucket: once it is deleted, any
 *                             account can create one of that name)
 * @param principalAccounts concrete {@code aws:PrincipalAccount} values
 * @param orgIds concrete {@code aws:PrincipalOrgID} values, and the organisations a Deny confines the statement to
 * @param confinedBy the Deny statements that confine the statement to {@code orgIds}, named for evidence
 * @param eventSourceToken an {@code lambda:EventSourceToken} pins a caller (Alexa skill)
 * @param urlAuthTypeNone {@code lambda:FunctionUrlAuthType} is {@code NONE}
 * @param invokedViaUrl {@code lambda:InvokedViaFunctionUrl} is {@code true} (every value: {@code ["true","false"]}
 *                      restricts nothing)
 * @param ignored conditions that narrow nothing, with the reason, for evidence
 */
public record StatementFacts(List<String> sourceAccounts, List<String> sourceArnAccounts, boolean specificSourceArn,
                             boolean accountlessSourceArn, List<String> principalAccounts, List<String> orgIds,
                             List<String> confinedBy, boolean eventSourceToken, boolean urlAuthTypeNone,
                             boolean invokedViaUrl, List<String> ignored) {

    static final String SOURCE_ACCOUNT = "aws:sourceaccount";
    static final String SOURCE_ARN = "aws:sourcearn";
    static final String PRINCIPAL_ORG_ID = "aws:principalorgid";
    static final String PRINCIPAL_ACCOUNT = "aws:principalaccount";
    static final String EVENT_SOURCE_TOKEN = "lambda:eventsourcetoken";
    static final String URL_AUTH_TYPE = "lambda:functionurlauthtype";
    static final String INVOKED_VIA_URL = "lambda:invokedviafunctionurl";

    private static final Set<String> POSITIVE_OPERATORS = Set.of(
            "stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "bool");
    /** Operators under which a list of concrete account ids means "one of these accounts". */
    private static final Set<String> STRING_OPERATORS = Set.of("stringequals", "stringequalsignorecase", "stringlike");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ORG_ID = Pattern.compile("o-[a-z0-9]{10,32}");

    public static StatementFacts of(PolicyStatement.Parsed statement) {
        List<String> sourceAccounts = new ArrayList<>();
        List<String> sourceArnAccounts = new ArrayList<>();
        List<String> principalAccounts = new ArrayList<>();
        List<String> orgIds = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        boolean specificArn = false;
        boolean accountlessArn = false;
        boolean token = false;
        boolean authNone = false;
        boolean viaUrl = false;
        for (Condition c : statement.conditions()) {
            String op = c.operator().toLowerCase(Locale.ROOT);
            String label = c.operator() + " " + c.key();
            if (!POSITIVE_OPERATORS.contains(op)) {
                ignored.add(label + " (operator narrows nothing)");
                continue;
            }
            if (c.values().isEmpty() || c.values().stream().anyMatch(StatementFacts::isMatchAll)) {
                ignored.add(label + " (wildcard value narrows nothing)");
                continue;
            }
            switch (c.key()) {
                case SOURCE_ACCOUNT -> {
                    if (c.values().stream().allMatch(v -> ACCOUNT_ID.matcher(v).matches())) {
                        sourceAccounts.addAll(c.values());
                    } else {
                        ignored.add(label + " (value is not a concrete account id)");
                    }
                }
                case SOURCE_ARN -> {
                    List<SourceArn> arns = c.values().stream().map(SourceArn::parse).toList();
                    if (arns.stream().allMatch(SourceArn::isSpecific)) {
                        specificArn = true;
                        accountlessArn |= arns.stream().anyMatch(arn -> arn.account().isEmpty());
                        arns.stream().map(SourceArn::account).filter(a -> !a.isEmpty()).forEach(sourceArnAccounts::add);
                    } else {
                        ignored.add(label + " (ARN pins neither an account nor a resource)");
                    }
                }
                case PRINCIPAL_ACCOUNT -> {
                    if (!STRING_OPERATORS.contains(op)) {
                        ignored.add(label + " (operator does not compare account ids)");
                    } else if (c.values().stream().allMatch(v -> ACCOUNT_ID.matcher(v).matches())) {
                        principalAccounts.addAll(c.values());
                    } else {
                        ignored.add(label + " (value is not a concrete account id)");
                    }
                }
                case PRINCIPAL_ORG_ID -> {
                    if (c.values().stream().noneMatch(StatementFacts::hasWildcard)) {
                        orgIds.addAll(c.values());
                    } else {
                        ignored.add(label + " (wildcard value narrows nothing)");
                    }
                }
                case EVENT_SOURCE_TOKEN -> token = c.values().stream().noneMatch(StatementFacts::hasWildcard);
                case URL_AUTH_TYPE -> authNone = c.values().stream().anyMatch("NONE"::equals);
                case INVOKED_VIA_URL -> viaUrl = c.values().stream().allMatch("true"::equalsIgnoreCase);
                default -> ignored.add(label + " (unknown condition key narrows nothing)");
            }
        }
        return new StatementFacts(List.copyOf(sourceAccounts), List.copyOf(sourceArnAccounts), specificArn, accountlessArn,
                List.copyOf(principalAccounts), List.copyOf(orgIds), List.of(), token, authNone, viaUrl, List.copyOf(ignored));
    }

    /**
     * The facts of a statement read with the rest of its policy document: an Allow for {@code *}
     * is confined to the organisations of each Deny statement that {@link #confinement confines}
     * it, as if it carried their {@code aws:PrincipalOrgID}.
     */
    public static StatementFacts of(PolicyStatement.Parsed statement, List<PolicyStatement> document) {
        StatementFacts facts = of(statement);
        if (!statement.allow() || !statement.principal().anyone()) {
            return facts;
        }
        Set<String> orgs = new LinkedHashSet<>(facts.orgIds);
        List<String> confinedBy = new ArrayList<>();
        for (int i = 0; i < document.size(); i++) {
            List<String> confined = switch (document.get(i)) {
                case PolicyStatement.Parsed deny -> confinement(deny, statement);
                case PolicyStatement.Unparseable unparseable -> List.of();
            };
            if (!confined.isEmpty()) {
                String sid = document.get(i).sid();
                orgs.addAll(confined);
                confinedBy.add(sid.isEmpty() ? "Deny #" + (i + 1) : "Deny '" + sid + "'");
            }
        }
        return confinedBy.isEmpty() ? facts : new StatementFacts(facts.sourceAccounts, facts.sourceArnAccounts,
                facts.specificSourceArn, facts.accountlessSourceArn, facts.principalAccounts, List.copyOf(orgs),
                List.copyOf(confinedBy), facts.eventSourceToken, facts.urlAuthTypeNone, facts.invokedViaUrl, facts.ignored);
    }

    /**
     * The organisations {@code deny} confines {@code allow} to, or none. Exactly one shape counts:
     * {@code Deny}, principal {@code *} alone, every action of the Allow, the same resource, and one
     * condition, {@code StringNotEquals} on {@code aws:PrincipalOrgID} with concrete organisation
     * ids: whoever is outside them is denied what the Allow grants. Anything else (another or a
     * further condition, an {@code IfExists} or set operator, fewer actions, another resource, a
     * named principal) confines nothing (fail closed).
     */
    private static List<String> confinement(PolicyStatement.Parsed deny, PolicyStatement.Parsed allow) {
        Principal p = deny.principal();
        if (deny.allow() || !p.anyone() || !p.accountIds().isEmpty() || !p.services().isEmpty() || !p.other().isEmpty()
                || !deny.resource().equals(allow.resource()) || deny.conditions().size() != 1) {
            return List.of();
        }
        Set<String> denied = new HashSet<>();
        deny.actions().forEach(a -> denied.add(a.toLowerCase(Locale.ROOT)));
        if (!allow.actions().stream().allMatch(a -> denied.contains(a.toLowerCase(Locale.ROOT)))) {
            return List.of();
        }
        Condition c = deny.conditions().get(0);
        boolean orgs = "StringNotEquals".equals(c.operator()) && PRINCIPAL_ORG_ID.equals(c.key()) && !c.values().isEmpty()
                && c.values().stream().allMatch(v -> ORG_ID.matcher(v).matches());
        return orgs ? c.values() : List.of();
    }

    /** Whether anything restricts who may call through this statement. */
    public boolean narrowsCaller() {
        return !sourceAccounts.isEmpty() || specificSourceArn || !principalAccounts.isEmpty() || !orgIds.isEmpty()
                || eventSourceToken;
    }

    /**
     * Whether a source account, a source ARN naming a concrete account, or an event-source token
     * (Alexa skills) pins the calling resource (confused deputy). A source ARN without an account
     * (an S3 bucket) does not: once the bucket is deleted, another account can create one of that
     * name, so it needs {@code aws:SourceAccount} beside it.
     */
    public boolean pinsSource() {
        return !sourceAccounts.isEmpty() || specificSourceArn && !accountlessSourceArn || eventSourceToken;
    }

    private static boolean isMatchAll(String value) {
        return value.chars().allMatch(ch -> ch == '*' || ch == '?') || value.isEmpty();
    }

    static boolean hasWildcard(String value) {
        return value.indexOf('*') >= 0 || value.indexOf('?') >= 0;
    }

    /** An {@code aws:SourceArn} value split into its account and resource parts. */
    record SourceArn(String account, String resource, boolean wellFormed) {

        static SourceArn parse(String value) {
            String[] parts = value.split(":", 6);
            if (parts.length < 6 || !"arn".equals(parts[0])) {
                return new SourceArn("", value, false);
            }
            return new SourceArn(parts[4], parts[5], true);
        }

        /** A concrete account, or (S3 and other account-less ARNs) a resource without wildcards. */
        boolean isSpecific() {
            if (!wellFormed) {
                return false;
            }
            if (!account.isEmpty()) {
                return ACCOUNT_ID.matcher(account).matches();
            }
            return !resource.isEmpty() && !hasWildcard(resource);
        }
    }
}
