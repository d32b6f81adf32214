package io.github.lambdaguardrail.engine.prevent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.prevent.ScpReport.Coverage;
import io.github.lambdaguardrail.engine.prevent.ScpReport.DetectiveOnly;
import io.github.lambdaguardrail.engine.prevent.ScpReport.Expressed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link Policy} into a Service Control Policy that denies, before the call, what the
 * policy forbids and an SCP can express, and reports what stays detective-only and why. Only the
 * condition keys the Service Authorization Reference lists for each Lambda action are used. A rule
 * set to {@code off} gets no statement. Stateless and thread-safe.
 */
public final class ScpGenerator {

    private static final String CREATE_FUNCTION = "lambda:CreateFunction";
    private static final String UPDATE_CONFIGURATION = "lambda:UpdateFunctionConfiguration";
    private static final String ADD_PERMISSION = "lambda:AddPermission";
    private static final List<String> CONFIGURE = List.of(CREATE_FUNCTION, UPDATE_CONFIGURATION);
    private static final List<String> URL_CHANGES = List.of("lambda:CreateFunctionUrlConfig",
            "lambda:UpdateFunctionUrlConfig", ADD_PERMISSION);

    /** An IAM or STS ARN as {@code --exempt-role} takes it (a glob is allowed after the account). */
    private static final Pattern PRINCIPAL_ARN = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::(\\d{12}|\\*):.+");
    /** A role session ARN or glob: partition, account, role name, and the session part if any. */
    private static final Pattern SESSION = Pattern.compile("arn:([^:]*):sts::([^:]*):assumed-role/([^/]+)(/.*)?");

    private ScpGenerator() {
    }

    /**
     * The SCP for the policy, with its report. The caller checks {@link ScpReport#fitsLimit()}.
     *
     * @param exemptRoleArns principals the SCP never denies (IAM role or user ARNs, or role session
     *                       ARNs, which are translated), beside the policy's {@code exemptions.actorArnPatterns}
     * @throws PolicyException when an exempt role is not an IAM or STS ARN
     */
    public static ScpReport generate(Policy policy, List<String> exemptRoleArns) {
        for (String arn : exemptRoleArns) {
            if (!PRINCIPAL_ARN.matcher(arn).matches()) {
                throw new PolicyException("--exempt-role", "'" + arn + "' is not an IAM or STS ARN (arn:aws:iam::ACCOUNT:role/NAME)");
            }
        }
        return new Builder(policy).build(exemptRoleArns);
    }

    /** One generation: the statements and the report, built together so that each statement is reported. */
    private static final class Builder {

        private final Policy policy;
        private final List<ObjectNode> statements = new ArrayList<>();
        private final List<Expressed> expressible = new ArrayList<>();
        private final List<DetectiveOnly> detectiveOnly = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private List<String> exemptPrincipals = List.of();

        Builder(Policy policy) {
            this.policy = policy;
        }

        ScpReport build(List<String> exemptRoleArns) {
            exemptPrincipals = exemptPrincipals(exemptRoleArns);
            vpc();
            permissions();
            functionUrls();
            guardrailTags();
            inexpressible();
            for (RuleId rule : RuleId.values()) {
                if (policy.modeFor(rule) == Mode.OFF) {
                    warnings.add(rule + " is off in the policy: no statement for it");
                }
            }
            warnings.add("An SCP does not apply to the organisation's management account, nor to service-linked roles:"
                    + " the detective guard still covers them.");
            ObjectNode scp = Json.object();
            scp.put("Version", "2012-10-17");
            ArrayNode list = scp.putArray("Statement");
            statements.forEach(list::add);
            return new ScpReport(Json.write(scp), expressible, detectiveOnly, warnings);
        }

        // ---- the policy's sections ---------------------------------------------------------------

        private void vpc() {
            Policy.Vpc vpc = policy.vpc();
            Set<String> notResources = new LinkedHashSet<>();
            for (String arn : policy.guardrail().resourceArns()) {
                // The guardrail's own functions run outside a VPC by design and are exempt from the VPC rules.
                if (arn.contains(":lambda:") && arn.contains(":function:")) {
                    notResources.add(arn);
                }
            }
            notResources.addAll(functionNameResources(false));
            String vpcIdFilled = "Lambda fills lambda:VpcIds from the subnets; an update without VpcConfig is"
                    + " judged on the function's existing configuration";
            if (vpc.required() && on(RuleId.LAMBDA_NOT_IN_VPC)) {
                statement("DenyLambdaOutsideVpc", RuleId.LAMBDA_NOT_IN_VPC, CONFIGURE, notResources,
                        conditions().add("Null", "lambda:VpcIds", "true"));
                expressed("vpc.required", RuleId.LAMBDA_NOT_IN_VPC, "DenyLambdaOutsideVpc", Coverage.EXACT,
                        "Null lambda:VpcIds; the rule reports an update of a function already outside a VPC as"
                                + " pre-existing, the SCP (probably) denies it: see the warnings");
                warnings.add("DenyLambdaOutsideVpc very probably denies every UpdateFunctionConfiguration of a function"
                        + " that is not in a VPC yet (memory, timeout, environment, layers), not only those that remove a"
                        + " VPC: AWS documents the condition keys of an update without VpcConfig only for functions already"
                        + " in a VPC. Attach or exempt legacy functions before attaching the SCP, or test it on one account.");
            }
            if (!on(RuleId.LAMBDA_VPC_NOT_ALLOWED)) {
                return;
            }
            if (!vpc.allowedVpcIds().isEmpty()) {
                // A function outside any VPC is LAMBDA_NOT_IN_VPC's, not this rule's: Null false keeps it out.
                statement("DenyLambdaVpcNotAllowed", RuleId.LAMBDA_VPC_NOT_ALLOWED, CONFIGURE, notResources,
                        conditions().add("StringNotEquals", "lambda:VpcIds", vpc.allowedVpcIds())
                                .add("Null", "lambda:VpcIds", "false"));
                expressed("vpc.allowedVpcIds", RuleId.LAMBDA_VPC_NOT_ALLOWED, "DenyLambdaVpcNotAllowed", Coverage.EXACT,
                        "StringNotEquals lambda:VpcIds (String) with Null false; " + vpcIdFilled);
            }
            if (!vpc.allowedSubnetIds().isEmpty()) {
                statement("DenyLambdaSubnetNotAllowed", RuleId.LAMBDA_VPC_NOT_ALLOWED, CONFIGURE, notResources,
                        conditions().add("ForAnyValue:StringNotEquals", "lambda:SubnetIds", vpc.allowedSubnetIds()));
                expressed("vpc.allowedSubnetIds", RuleId.LAMBDA_VPC_NOT_ALLOWED, "DenyLambdaSubnetNotAllowed", Coverage.EXACT,
                        "ForAnyValue:StringNotEquals lambda:SubnetIds (ArrayOfString): any subnet outside the list;"
                                + " no subnets at all is LAMBDA_NOT_IN_VPC's");
            }
            if (!vpc.allowedSecurityGroupIds().isEmpty()) {
                statement("DenyLambdaSecurityGroupNotAllowed", RuleId.LAMBDA_VPC_NOT_ALLOWED, CONFIGURE, notResources,
                        conditions().add("ForAnyValue:StringNotEquals", "lambda:SecurityGroupIds", vpc.allowedSecurityGroupIds()));
                expressed("vpc.allowedSecurityGroupIds", RuleId.LAMBDA_VPC_NOT_ALLOWED, "DenyLambdaSecurityGroupNotAllowed",
                        Coverage.EXACT, "ForAnyValue:StringNotEquals lambda:SecurityGroupIds (ArrayOfString): any security"
                                + " group outside the list");
            }
            if (!vpc.deniedSecurityGroupIds().isEmpty()) {
                statement("DenyLambdaSecurityGroupDenied", RuleId.LAMBDA_VPC_NOT_ALLOWED, CONFIGURE, notResources,
                        conditions().add("ForAnyValue:StringEquals", "lambda:SecurityGroupIds", vpc.deniedSecurityGroupIds()));
                expressed("vpc.deniedSecurityGroupIds", RuleId.LAMBDA_VPC_NOT_ALLOWED, "DenyLambdaSecurityGroupDenied",
                        Coverage.EXACT, "ForAnyValue:StringEquals lambda:SecurityGroupIds (ArrayOfString): any denied"
                                + " security group");
            }
        }

        private void permissions() {
            Set<String> notResources = functionNameResources(true);
            String narrowing = "a * narrowed by a source account, source ARN or organisation id is allowed by the rule,"
                    + " but none of these is a condition key of AddPermission, so the SCP denies it";
            if (on(RuleId.PERMISSION_PUBLIC)) {
                // StringEquals: in a StringLike pattern, * would be a wildcard matching every principal.
                statement("DenyLambdaPublicPermission", RuleId.PERMISSION_PUBLIC, List.of(ADD_PERMISSION), notResources,
                        conditions().add("StringEquals", "lambda:Principal", "*"));
                expressed("principal *", RuleId.PERMISSION_PUBLIC, "DenyLambdaPublicPermission", Coverage.MORE, narrowing);
            }
            if (on(RuleId.PERMISSION_UNTRUSTED_ACCOUNT)) {
                List<String> trusted = policy.permissions().trustedAccountIds();
                // lambda:Principal is the request's Principal as given: an account id, an ARN, a service or *.
                List<String> notAccount = new ArrayList<>(List.of("${aws:PrincipalAccount}"));
                notAccount.addAll(trusted);
                notAccount.addAll(List.of("arn:*", "*.amazonaws.com"));
                statement("DenyLambdaUntrustedAccount", RuleId.PERMISSION_UNTRUSTED_ACCOUNT, List.of(ADD_PERMISSION), notResources,
                        conditions().add("StringNotLike", "lambda:Principal", notAccount));
                // An ARN on its own: a role named like a service (role/s3.amazonaws.com) must not pass as one.
                List<String> ownArns = new ArrayList<>(List.of("arn:*:iam::${aws:PrincipalAccount}:*"));
                trusted.forEach(id -> ownArns.add("arn:*:iam::" + id + ":*"));
                statement("DenyLambdaUntrustedArn", RuleId.PERMISSION_UNTRUSTED_ACCOUNT, List.of(ADD_PERMISSION), notResources,
                        conditions().add("StringLike", "lambda:Principal", "arn:*").add("StringNotLike", "lambda:Principal", ownArns));
                String why = "the caller's account (aws:PrincipalAccount) stands for the function's own account; "
                        + "service principals (*.amazonaws.com) are left to the detective rules, while a principal of"
                        + " another form, such as Alexa's (alexa-appkit.amazon.com), is denied; " + narrowing;
                expressed("permissions.trustedAccountIds", RuleId.PERMISSION_UNTRUSTED_ACCOUNT, "DenyLambdaUntrustedAccount",
                        Coverage.MORE, why);
                expressed("permissions.trustedAccountIds", RuleId.PERMISSION_UNTRUSTED_ACCOUNT, "DenyLambdaUntrustedArn",
                        Coverage.MORE, why);
            }
        }

        private void functionUrls() {
            if (policy.permissions().allowPublicFunctionUrls()) {
                if (on(RuleId.PERMISSION_PUBLIC)) {
                    warnings.add("permissions.allowPublicFunctionUrls is true, but DenyLambdaPublicPermission still denies the"
                            + " AddPermission calls (principal *) that make a function URL public: lambda:Principal is * in both.");
                }
                return;
            }
            if (!on(RuleId.FUNCTION_URL_PUBLIC)) {
                return;
            }
            // StringEquals NONE, not StringNotEquals AWS_IAM: an AddPermission without a URL auth type must pass.
            statement("DenyLambdaPublicFunctionUrl", RuleId.FUNCTION_URL_PUBLIC, URL_CHANGES, functionNameResources(true),
                    conditions().add("StringEquals", "lambda:FunctionUrlAuthType", "NONE"));
            expressed("permissions.allowPublicFunctionUrls", RuleId.FUNCTION_URL_PUBLIC, "DenyLambdaPublicFunctionUrl",
                    Coverage.LESS, "lambda:FunctionUrlAuthType NONE on the URL config and on its AddPermission; the second half"
                            + " of a public URL (InvokeFunction with lambda:InvokedViaFunctionUrl) carries no auth type");
        }

        private void guardrailTags() {
            Set<String> keys = new LinkedHashSet<>(List.of("guardrail:*"));
            String tagKey = policy.exemptions().tagKey();
            if (!tagKey.startsWith("guardrail:")) {
                keys.add(tagKey);
            }
            ObjectNode statement = statementNode("DenyGuardrailTagChange", List.of("lambda:TagResource", "lambda:UntagResource"),
                    Set.of(), conditions().add("ForAnyValue:StringLike", "aws:TagKeys", List.copyOf(keys)).withExemptPrincipals());
            statements.add(statement);
            expressed("exemptions.tagKey and guardrail:* tags", RuleId.GUARDRAIL_TAG_CHANGED, "DenyGuardrailTagChange",
                    exemptPrincipals.isEmpty() ? Coverage.EXACT : Coverage.LESS,
                    "ForAnyValue:StringLike aws:TagKeys; the exempt principals may still change them, and the rule reports them");
            warnings.add("CreateFunction can set tags too (aws:TagKeys): DenyGuardrailTagChange does not cover a function"
                    + " created with the exemption tag, which exempts it from the start.");
            if (exemptPrincipals.isEmpty()) {
                warnings.add("No exempt principal: the guard's own rollback (QUARANTINE tags the function guardrail:quarantine)"
                        + " is denied too. Pass the guard functions' role with --exempt-role.");
            }
        }

        private void inexpressible() {
            String notAKey = " of lambda:AddPermission (Service Authorization Reference)";
            detectiveOnly.add(new DetectiveOnly("permissions.trustedOrgIds",
                    List.of(RuleId.PERMISSION_UNTRUSTED_ACCOUNT, RuleId.PERMISSION_PUBLIC),
                    "the PrincipalOrgID parameter is not a condition key" + notAKey + ": an organisation-wide grant is a Principal * to the SCP"));
            detectiveOnly.add(new DetectiveOnly("permissions.requireSourceForServicePrincipals",
                    List.of(RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE),
                    "SourceAccount and SourceArn are not condition keys" + notAKey + ": the SCP cannot tell a service grant with a source from one without"));
            detectiveOnly.add(new DetectiveOnly("permissions.allowedActions", List.of(RuleId.PERMISSION_WILDCARD_ACTION),
                    "the Action parameter is not a condition key" + notAKey));
            detectiveOnly.add(new DetectiveOnly("permissions (PutResourcePolicy documents)",
                    List.of(RuleId.PERMISSION_PUBLIC, RuleId.PERMISSION_UNTRUSTED_ACCOUNT, RuleId.FUNCTION_URL_PUBLIC),
                    "PutResourcePolicy replaces the whole function policy; its content is no condition key, and how"
                            + " lambda:Principal is filled for a document of several statements is not documented"));
            detectiveOnly.add(new DetectiveOnly("permissions.allowPublicFunctionUrls (InvokeFunction half)",
                    List.of(RuleId.FUNCTION_URL_PUBLIC),
                    "lambda:InvokedViaFunctionUrl is a key of InvokeFunction at invoke time, not of the AddPermission call"
                            + " that grants it"));
        }

        // ---- exemptions ----------------------------------------------------------------------------

        /**
         * The aws:PrincipalArn patterns the SCP never denies. For an assumed role aws:PrincipalArn is
         * the role's ARN, not the session's, so a session pattern becomes its role, with and without a path.
         */
        private List<String> exemptPrincipals(List<String> exemptRoleArns) {
            Set<String> arns = new LinkedHashSet<>();
            List<String> patterns = new ArrayList<>(policy.exemptions().actorArnPatterns());
            patterns.addAll(exemptRoleArns);
            for (String pattern : patterns) {
                Matcher session = SESSION.matcher(pattern);
                if (!session.matches()) {
                    arns.add(pattern);
                    continue;
                }
                String role = "arn:" + session.group(1) + ":iam::" + session.group(2) + ":role/";
                arns.add(role + session.group(3));
                arns.add(role + "*/" + session.group(3));
                String sessionPart = session.group(4) == null ? "" : session.group(4);
                String which = sessionPart.isEmpty() || sessionPart.equals("/*") ? ""
                        : " All sessions of the role are exempt, not only those matching '" + sessionPart.substring(1) + "'.";
                warnings.add("Exempt '" + pattern + "' is a role session: aws:PrincipalArn is the role's ARN, so the SCP"
                        + " exempts " + role + session.group(3) + " and, for a role with a path (IAM Identity Center roles"
                        + " are under /aws-reserved/sso.amazonaws.com/), " + role + "*/" + session.group(3) + "." + which);
            }
            return List.copyOf(arns);
        }

        /** Function ARN patterns of exemptions.functionNamePatterns, with their qualified forms when asked. */
        private Set<String> functionNameResources(boolean qualified) {
            Set<String> arns = new LinkedHashSet<>();
            for (String name : policy.exemptions().functionNamePatterns()) {
                arns.add("arn:*:lambda:*:*:function:" + name);
                if (qualified) {
                    arns.add("arn:*:lambda:*:*:function:" + name + ":*");
                }
            }
            return arns;
        }

        // ---- statements ----------------------------------------------------------------------------

        private boolean on(RuleId rule) {
            return policy.modeFor(rule) != Mode.OFF;
        }

        private void expressed(String field, RuleId rule, String sid, Coverage coverage, String why) {
            String tagged = rule.isAudit() ? why : why + "; the exemption tag " + policy.exemptions().tagKey()
                    + " is honoured for well-formed values (* or a comma list of rule ids)";
            expressible.add(new Expressed(field, rule, sid, coverage, tagged));
        }

        /** A statement of a rule that exemptions apply to: exempt principals, the exemption tag and {@code notResources}. */
        private void statement(String sid, RuleId rule, List<String> actions, Set<String> notResources, Conditions conditions) {
            // aws:ResourceTag for an existing function, aws:RequestTag for one being created: deny only when neither exempts.
            String tagKey = policy.exemptions().tagKey();
            List<String> exempting = List.of("${*}", "*" + rule.name() + "*");
            conditions.add("StringNotLike", "aws:ResourceTag/" + tagKey, exempting);
            if (actions.contains(CREATE_FUNCTION)) {
                conditions.add("StringNotLike", "aws:RequestTag/" + tagKey, exempting);
            }
            statements.add(statementNode(sid, actions, notResources, conditions.withExemptPrincipals()));
        }

        private ObjectNode statementNode(String sid, List<String> actions, Set<String> notResources, Conditions conditions) {
            ObjectNode statement = Json.object();
            statement.put("Sid", sid);
            statement.put("Effect", "Deny");
            putValues(statement, "Action", actions);
            if (notResources.isEmpty()) {
                statement.put("Resource", "*");
            } else {
                putValues(statement, "NotResource", List.copyOf(notResources));
            }
            statement.set("Condition", conditions.toJson());
            return statement;
        }

        private Conditions conditions() {
            return new Conditions(exemptPrincipals);
        }
    }

    /** A Condition block: operator to key to values, in insertion order. */
    private static final class Conditions {

        private final Map<String, Map<String, List<String>>> operators = new LinkedHashMap<>();
        private final List<String> exemptPrincipals;

        Conditions(List<String> exemptPrincipals) {
            this.exemptPrincipals = exemptPrincipals;
        }

        Conditions add(String operator, String key, String value) {
            return add(operator, key, List.of(value));
        }

        Conditions add(String operator, String key, List<String> values) {
            operators.computeIfAbsent(operator, o -> new LinkedHashMap<>()).put(key, values);
            return this;
        }

        Conditions withExemptPrincipals() {
            return exemptPrincipals.isEmpty() ? this : add("ArnNotLike", "aws:PrincipalArn", exemptPrincipals);
        }

        ObjectNode toJson() {
            ObjectNode node = Json.object();
            operators.forEach((operator, keys) -> {
                ObjectNode keyNode = node.putObject(operator);
                keys.forEach((key, values) -> putValues(keyNode, key, values));
            });
            return node;
        }
    }

    /** One value as a string, several as an array: the shorter form AWS accepts. */
    private static void putValues(ObjectNode node, String field, List<String> values) {
        if (values.size() == 1) {
            node.put(field, values.get(0));
        } else {
            values.forEach(node.putArray(field)::add);
        }
    }
}
