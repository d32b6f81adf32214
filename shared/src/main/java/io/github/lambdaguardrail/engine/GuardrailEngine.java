package io.github.lambdaguardrail.engine;

import io.github.lambdaguardrail.engine.internal.Glob;
import io.github.lambdaguardrail.engine.rules.Rule;
import io.github.lambdaguardrail.engine.rules.RuleContext;
import io.github.lambdaguardrail.engine.rules.TamperRule;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates Lambda changes against a {@link Policy} and plans what to do about them. It never
 * performs an action. Immutable and thread-safe: build one per policy and share it.
 *
 * <pre>{@code
 * GuardrailEngine engine = new GuardrailEngine(policy, Set.of(guardRoleArn));
 * CloudTrailReader.read(in, record -> { ... engine.evaluate(record, FunctionFacts.NONE) ... });
 * }</pre>
 */
public final class GuardrailEngine {

    private final Policy policy;
    private final Set<String> selfRoleArns;
    private final Optional<String> selfFunctionName;
    private final Optional<String> memberRoleName;
    private final TamperRule tamper;
    private final List<Rule> rules = Rule.all();
    private final List<Pattern> functionExemptions;
    private final List<Pattern> actorExemptions;
    private final List<Pattern> allowedActions;

    /**
     * @param selfRoleArns the guard's own IAM role ARNs: changes they made are never evaluated
     *                     again (no loops)
     */
    public GuardrailEngine(Policy policy, Set<String> selfRoleArns) {
        this(policy, selfRoleArns, Optional.empty());
    }

    /**
     * The engine of a guard function, which never judges a change to itself: a guard whose
     * configuration was tampered with cannot be trusted to report it, so the other guard does.
     *
     * @param selfFunctionName the name of the guard function this engine runs in
     */
    public GuardrailEngine(Policy policy, Set<String> selfRoleArns, Optional<String> selfFunctionName) {
        this(policy, selfRoleArns, selfFunctionName, Optional.empty());
    }

    /**
     * The engine of an organisation's central functions, which act in each member account through
     * a role of the same name there: a change made by that role in the event's own account is the
     * guard's own, like one made by {@code selfRoleArns}.
     *
     * @param memberRoleName the name of the role the guardrail assumes in member accounts
     */
    public GuardrailEngine(Policy policy, Set<String> selfRoleArns, Optional<String> selfFunctionName,
                           Optional<String> memberRoleName) {
        this.policy = policy;
        this.selfRoleArns = Set.copyOf(selfRoleArns);
        this.selfFunctionName = selfFunctionName;
        this.memberRoleName = memberRoleName;
        this.tamper = new TamperRule(policy.guardrail().resourceArns());
        this.functionExemptions = policy.exemptions().functionNamePatterns().stream().map(Glob::compile).toList();
        this.actorExemptions = policy.exemptions().actorArnPatterns().stream().map(Glob::compile).toList();
        this.allowedActions = policy.permissions().allowedActions().stream()
                .map(a -> Glob.compile(a.toLowerCase(java.util.Locale.ROOT))).toList();
    }

    public Policy policy() {
        return policy;
    }

    /**
     * The verdict for any parsed record: Lambda records that are not evaluated become
     * {@link Decision#SKIP}; records from other services and invalid ones have no verdict.
     */
    public Optional<Verdict> evaluate(ParsedRecord record, FunctionFacts facts) {
        return switch (record) {
            case ParsedRecord.Watched watched -> Optional.of(evaluate(watched.event(), facts));
            case ParsedRecord.Guarded guarded -> Optional.of(evaluate(guarded.call()));
            case ParsedRecord.Ignored ignored -> Optional.of(Verdict.skipped(ignored.header(), Optional.empty(), ignored.reason()));
            case ParsedRecord.Scheduled scheduled -> Optional.empty();
            case ParsedRecord.OtherService other -> Optional.empty();
            case ParsedRecord.Invalid invalid -> Optional.empty();
        };
    }

    /** Evaluates one change with what the caller knows about the function. */
    public Verdict evaluate(LambdaEvent event, FunctionFacts facts) {
        RecordHeader header = event.header();
        FunctionRef function = event.change().function();
        Optional<String> self = selfRole(event.header());
        if (self.isPresent()) {
            return Verdict.skipped(header, Optional.of(function), "change made by the guard itself (" + self.get() + ")");
        }
        if (isThisGuard(function.arn())) {
            return Verdict.skipped(header, Optional.of(function), THIS_GUARD);
        }
        return judge(header, event.change(), facts, Optional.of(event), false);
    }

    private static final String THIS_GUARD = "change to this guard itself: the other guard reports it";

    /**
     * Evaluates a call that matters only on the guardrail's own resources: a change to one of them
     * is a {@link RuleId#GUARDRAIL_TAMPERED} finding, always notified, never exempted or rolled back.
     */
    public Verdict evaluate(GuardrailCall call) {
        RecordHeader header = call.header();
        Optional<FunctionRef> function = functionOf(call.resource());
        Optional<String> self = selfRole(header);
        if (self.isPresent()) {
            return Verdict.skipped(header, function, "change made by the guard itself (" + self.get() + ")");
        }
        Optional<RuleResult> tampered = tamper.evaluate(call.resource(), call.detail());
        if (tampered.isEmpty()) {
            return Verdict.skipped(header, function, "not one of the guardrail's resources");
        }
        if (isThisGuard(call.resource())) {
            return Verdict.skipped(header, function, THIS_GUARD);
        }
        return new Verdict(header, Decision.NOTIFY, Optional.of(GUARDRAIL_NOTE), function,
                List.of(TamperRule.finding(tampered.get(), header.actor())), List.of(tampered.get()),
                List.of(new Action.Notify()));
    }

    private static final String GUARDRAIL_NOTE = "the change concerns the guardrail itself: notify only";

    /** Whether a change to this function, watched through another guard's API, concerns the guardrail. */
    public boolean concernsGuardrail(LambdaEvent event) {
        return tamper.isGuardrailResource(event.change().function().arn());
    }

    /** The guard's own role among the caller's identities: its changes are never judged again (no loops). */
    private Optional<String> selfRole(RecordHeader header) {
        return header.actor().identities().stream().filter(id -> selfRoleArns.contains(id) || isMemberRole(id, header))
                .findFirst();
    }

    /** The member role in the account the call was made in, in any partition (not another account's). */
    private boolean isMemberRole(String identity, RecordHeader header) {
        if (memberRoleName.isEmpty()) {
            return false;
        }
        String suffix = ":iam::" + header.account() + ":role/" + memberRoleName.get();
        return identity.endsWith(suffix) && PARTITION.matcher(identity.substring(0, identity.length() - suffix.length())).matches();
    }

    private static final Pattern PARTITION = Pattern.compile("arn:aws[a-z-]{0,16}");

    private boolean isThisGuard(String arn) {
        return selfFunctionName.isPresent() && tamper.isGuardrailResource(arn)
                && arn.endsWith(":function:" + selfFunctionName.get());
    }

    private static Optional<FunctionRef> functionOf(String arn) {
        int at = arn.indexOf(":function:");
        return at < 0 || !arn.startsWith("arn:") ? Optional.empty()
                : Optional.of(new FunctionRef(arn.substring(at + ":function:".length()), Optional.empty(), arn));
    }

    /**
     * Evaluates the existing state of a function, as a sweep reads it, rather than a CloudTrail
     * event: the live configuration as a {@link LambdaChange.FunctionConfigured} (not created, no
     * requested VPC, the live VPC config as the resulting one), one live resource policy (of the
     * function, an alias or a version) as a {@link LambdaChange.ResourcePolicyReplaced} with the
     * statements of {@link ResourcePolicy#statements}, a function URL config as a
     * {@link LambdaChange.FunctionUrlConfigured}. Nothing changed, so every finding is
     * {@link Origin#PRE_EXISTING} and the decision is at most {@link Decision#NOTIFY}: a sweep
     * reports, it never rolls back. Actor exemptions do not apply (nobody acted); tag and
     * function-name exemptions do.
     *
     * @param header the caller's record of the look (a sweep's names the sweep), with the account
     *               and region of the function (its own account is always trusted)
     * @param facts  the function's live tags; a known-good VPC config is not consulted
     */
    public Verdict evaluateExisting(LambdaChange change, RecordHeader header, FunctionFacts facts) {
        LambdaChange existing = switch (change) {
            // The live configuration: nothing set it, so the VPC rules find any failure pre-existing.
            case LambdaChange.FunctionConfigured configured -> new LambdaChange.FunctionConfigured(configured.function(), false,
                    Optional.empty(), configured.resultingVpc(), configured.tags());
            case LambdaChange.PermissionGranted granted -> granted;
            case LambdaChange.ResourcePolicyReplaced replaced -> replaced;
            case LambdaChange.FunctionUrlConfigured url -> url;
            case LambdaChange.TagsChanged tags -> tags;
        };
        return judge(header, existing, facts, Optional.empty(), true);
    }

    /**
     * Evaluates a change before it is made: a template's resource as the request a deploy would
     * send ({@code CreateFunction} for a function, {@code AddPermission} for a permission ...). It is
     * judged as that change, so failures are {@link Origin#INTRODUCED}; but nobody has acted yet:
     * actor exemptions do not apply (tag and function-name exemptions do), no rollback is planned
     * (the decision is at most {@link Decision#NOTIFY}), and {@link RuleId#GUARDRAIL_TAMPERED} is not
     * judged (a deploy of the guardrail itself is reported when it happens).
     *
     * @param header the caller's record of the check, with the account and region the template
     *               deploys to (the function's own account is always trusted)
     * @param facts  the tags the template gives the function
     */
    public Verdict evaluateProposed(LambdaChange change, RecordHeader header, FunctionFacts facts) {
        return judge(header, change, facts, Optional.empty(), false);
    }

    /**
     * Why a finding of {@code rule} on a change to {@code function} not yet made would be exempted
     * (as {@link #evaluateProposed} exempts it: the guardrail's own function, the exemption tag in
     * {@code tags}, a function-name pattern), if it would. For a value known only at deploy: when
     * every rule that would judge it exempts the function, it needs no judging.
     */
    public Optional<String> proposedExemption(RuleId rule, FunctionRef function, Map<String, String> tags) {
        return exemption(rule, function, tamper.isGuardrailResource(function.arn()), List.of(), tags);
    }

    /**
     * The VPC config a verdict proves compliant, which becomes the function's last known-good one
     * (the config to restore if a later update removes or breaks it): the change leaves the
     * function in a VPC (at least one subnet), both VPC rules passed, and nothing was found, not
     * even an exempted finding. Empty for any other change or verdict. Pure.
     */
    public static Optional<VpcConfig> knownGoodVpc(LambdaChange change, Verdict verdict) {
        if (!(change instanceof LambdaChange.FunctionConfigured configured) || !configured.resultingVpc().isAttached()
                || !verdict.findings().isEmpty()) {
            return Optional.empty();
        }
        boolean bothPassed = verdict.results().stream()
                .filter(r -> r.rule() == RuleId.LAMBDA_NOT_IN_VPC || r.rule() == RuleId.LAMBDA_VPC_NOT_ALLOWED)
                .allMatch(r -> r.status() == RuleStatus.PASS);
        return bothPassed ? Optional.of(configured.resultingVpc()) : Optional.empty();
    }

    /**
     * "Introduced means proven": an update that left a function without a VPC config removed one
     * only if the function had one. The rule cannot know that and reports it pre-existing; a
     * known-good VPC config in the facts (the guard saw the function in a VPC) is the proof.
     */
    private static RuleResult proven(RuleResult result, LambdaChange change, FunctionFacts facts) {
        return switch (change) {
            case LambdaChange.FunctionConfigured configured -> proven(result, configured, facts);
            // Only a configuration change can remove a VPC config.
            case LambdaChange.PermissionGranted granted -> result;
            case LambdaChange.ResourcePolicyReplaced replaced -> result;
            case LambdaChange.FunctionUrlConfigured url -> result;
            case LambdaChange.TagsChanged tags -> result;
        };
    }

    private static RuleResult proven(RuleResult result, LambdaChange.FunctionConfigured configured, FunctionFacts facts) {
        Optional<VpcConfig> knownGood = facts.lastKnownGoodVpc().filter(VpcConfig::isAttached);
        if (result.rule() == RuleId.LAMBDA_NOT_IN_VPC && result.status() == RuleStatus.FAIL && result.origin() == Origin.PRE_EXISTING
                && !configured.created() && configured.touchedVpc()
                && !configured.resultingVpc().isAttached() && knownGood.isPresent()) {
            return RuleResult.fail(result.rule(), result.subject(), "update removed the VPC config (no subnets; the guard last saw"
                    + " the function in " + knownGood.get().describe() + ")", Origin.INTRODUCED);
        }
        return result;
    }

    /** The account id of a Lambda ARN ({@code arn:aws:lambda:region:account:function:name}). */
    private static Optional<String> accountOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length == 6 && parts[4].matches("\\d{12}") ? Optional.of(parts[4]) : Optional.empty();
    }

    /**
     * The verdict for a change; without an event nobody acted (no actor exemption, no rollback), and
     * when {@code existing} the change is existing state (every failure pre-existing).
     */
    private Verdict judge(RecordHeader header, LambdaChange change, FunctionFacts facts, Optional<LambdaEvent> event,
                          boolean existing) {
        FunctionRef function = change.function();
        List<String> actorIdentities = event.isEmpty() ? List.of() : header.actor().identities();
        // The function's own account is the one in its ARN, not the record's recipient account.
        RuleContext context = new RuleContext(policy, accountOf(function.arn()).orElse(header.account()), allowedActions);
        Map<String, String> tags = tags(change, facts);
        boolean guardrail = tamper.isGuardrailResource(function.arn());
        List<RuleResult> results = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Rule rule : rules) {
            Mode mode = policy.modeFor(rule.id());
            if (mode == Mode.OFF) {
                results.add(RuleResult.skip(rule.id(), "policy", "rule is off"));
                continue;
            }
            for (RuleResult evaluated : rule.evaluate(change, context)) {
                RuleResult result = existing && evaluated.status() == RuleStatus.FAIL
                        ? RuleResult.fail(evaluated.rule(), evaluated.subject(), evaluated.evidence(), Origin.PRE_EXISTING)
                        : existing ? evaluated : proven(evaluated, change, facts);
                results.add(result);
                if (result.status() == RuleStatus.FAIL) {
                    findings.add(new Finding(rule.id(), rule.id().severity(), result.subject() + ": " + result.evidence(),
                            result.subject(), result.evidence(), result.origin(), mode,
                            exemption(rule.id(), function, guardrail, actorIdentities, tags)));
                }
            }
        }
        if (event.isPresent() && !guardrail) {
            results.add(RuleResult.pass(RuleId.GUARDRAIL_TAMPERED, function.arn(), "not one of the guardrail's functions"));
        } else if (event.isPresent()) {
            RuleResult result = tamper.evaluate(function.arn(), event.get().api().baseName() + " on the guardrail's function")
                    .orElseThrow();
            results.add(result);
            findings.add(TamperRule.finding(result, header.actor()));
        }
        List<Finding> active = findings.stream().filter(f -> !f.isExempted()).toList();
        if (active.isEmpty()) {
            return new Verdict(header, findings.isEmpty() ? Decision.ALLOW : Decision.EXEMPTED, Optional.empty(),
                    Optional.of(function), findings, results, findings.isEmpty() ? List.of() : List.of(new Action.Notify()));
        }
        List<Finding> toRollBack = event.isEmpty() ? List.of() : active.stream()
                .filter(f -> f.mode() == Mode.ROLLBACK && f.origin() == Origin.INTRODUCED).toList();
        Optional<String> unreadableExemption = Optional.ofNullable(tags.get(policy.exemptions().tagKey()))
                .filter(value -> exemptedRules(value).isEmpty());
        Optional<String> tagsUnknown = facts.tags() instanceof FunctionTags.Unreadable unreadable
                ? Optional.of("the function's tags could not be read (" + bounded(unreadable.reason()) + "), so what its tag "
                        + policy.exemptions().tagKey() + " exempts is unknown: notify only")
                : Optional.empty();
        Plan plan = toRollBack.isEmpty() ? tagsUnknown.map(Plan::withheld).orElse(Plan.NONE)
                : guardrail ? Plan.withheld(GUARDRAIL_NOTE)
                : unreadableExemption.isPresent() ? Plan.withheld("rollback withheld: the tag " + policy.exemptions().tagKey()
                        + "='" + bounded(unreadableExemption.get()) + "' is neither * nor a comma list of rule ids, so what it"
                        + " exempts is unknown: notify only")
                : tagsUnknown.isPresent() ? Plan.withheld("rollback withheld: " + tagsUnknown.get())
                : rollback(event.orElseThrow(), toRollBack, facts);
        List<Action> actions = new ArrayList<>(plan.actions());
        actions.add(new Action.Notify());
        Decision decision = plan.actions().isEmpty() ? Decision.NOTIFY : Decision.ROLLBACK;
        return new Verdict(header, decision, plan.note(), Optional.of(function), findings, results, actions);
    }

    /**
     * The rollback actions for the findings, or a note saying why there are none. With the live
     * state in the facts, a rollback is planned only while the live state still shows the event's
     * change, with that exact state (and its revision id) as the action's precondition; otherwise
     * the plan is to leave the function alone, saying why.
     */
    private Plan rollback(LambdaEvent event, List<Finding> findings, FunctionFacts facts) {
        if (!event.header().isActionable()) {
            return Plan.withheld("rollback withheld: account id or region of the record is not well formed");
        }
        String notifyOnly = "no automatic rollback for " + event.api().baseName() + ": notify only";
        return switch (event.change()) {
            case LambdaChange.PermissionGranted granted -> switch (granted.statement()) {
                case PolicyStatement.Parsed statement -> Plan.of(removal(granted.function(), statement, facts));
                case PolicyStatement.Unparseable unparseable ->
                        Plan.withheld("rollback withheld: the statement could not be parsed, so it cannot be matched safely");
            };
            case LambdaChange.FunctionConfigured configured -> {
                FunctionRef unqualified = new FunctionRef(configured.function().name(), Optional.empty(), configured.function().arn());
                List<RuleId> reasons = List.copyOf(new LinkedHashSet<>(findings.stream().map(Finding::ruleId).toList()));
                yield Plan.of(vpcRollback(unqualified, configured, reasons, facts));
            }
            case LambdaChange.ResourcePolicyReplaced replaced -> Plan.withheld(notifyOnly);
            case LambdaChange.FunctionUrlConfigured url -> Plan.withheld(notifyOnly);
            case LambdaChange.TagsChanged tags -> Plan.withheld(notifyOnly);
        };
    }

    /**
     * The kinds of action the engine can plan for a call to {@code api} ({@link #rollback}): a
     * notification for any finding; for the changes it rolls back, the rollback, or leaving the
     * function alone when the live state shows the rollback must not be done. A guard's role grants
     * the {@link Action.Kind#permissions} of each kind for the calls it watches.
     */
    public static Set<Action.Kind> plannable(WatchedApi api) {
        return switch (api) {
            // A new function has no known-good VPC config to restore.
            case CREATE_FUNCTION -> EnumSet.of(Action.Kind.QUARANTINE, Action.Kind.LEAVE_ALONE, Action.Kind.NOTIFY);
            case UPDATE_FUNCTION_CONFIGURATION ->
                    EnumSet.of(Action.Kind.RESTORE_VPC_CONFIG, Action.Kind.QUARANTINE, Action.Kind.LEAVE_ALONE, Action.Kind.NOTIFY);
            case ADD_PERMISSION -> EnumSet.of(Action.Kind.REMOVE_PERMISSION, Action.Kind.LEAVE_ALONE, Action.Kind.NOTIFY);
            // The other changes, and every call that matters only on the guardrail's own resources.
            default -> EnumSet.of(Action.Kind.NOTIFY);
        };
    }

    /** Remove exactly the statement the event added, as the live policy shows it, or leave the policy alone. */
    private static Action removal(FunctionRef function, PolicyStatement.Parsed statement, FunctionFacts facts) {
        String sid = statement.sid();
        if (facts.functionGone()) {
            return new Action.LeaveAlone(function, Action.Kind.REMOVE_PERMISSION, true, "function no longer exists");
        }
        if (facts.policy().isEmpty()) {
            return new Action.RemovePermission(function, sid, statement.raw(), Optional.empty());
        }
        return switch (facts.policy().get()) {
            case LivePolicy.Missing missing ->
                    new Action.LeaveAlone(function, Action.Kind.REMOVE_PERMISSION, true, "statement '" + sid + "' was already gone");
            case LivePolicy.Found live -> removal(function, statement, live);
        };
    }

    /** {@link #removal} against the live policy the facts hold. */
    private static Action removal(FunctionRef function, PolicyStatement.Parsed statement, LivePolicy.Found live) {
        String sid = statement.sid();
        if (!live.readable()) {
            // A document that is not a policy cannot show the statement is gone.
            return new Action.LeaveAlone(function, Action.Kind.REMOVE_PERMISSION, false,
                    "the live policy could not be read; statement '" + sid + "' left alone");
        }
        List<PolicyStatement> same = live.statements(sid);
        if (same.isEmpty()) {
            return new Action.LeaveAlone(function, Action.Kind.REMOVE_PERMISSION, true, "statement '" + sid + "' was already gone");
        }
        if (same.size() > 1) {
            return new Action.LeaveAlone(function, Action.Kind.REMOVE_PERMISSION, false,
                    "the live policy has " + same.size() + " statements with Sid '" + sid + "'; left alone");
        }
        if (!ResourcePolicy.sameStatement(same.get(0).raw(), statement.raw())) {
            return new Action.LeaveAlone(function, Action.Kind.REMOVE_PERMISSION, false,
                    "statement '" + sid + "' differs from what the event added; left alone");
        }
        return new Action.RemovePermission(function, sid, statement.raw(), Optional.of(live.revisionId()));
    }

    /**
     * Restore the last known-good VPC config (an update, when one is known) or quarantine, only
     * while the live function still has the VPC config the event set.
     */
    private static Action vpcRollback(FunctionRef function, LambdaChange.FunctionConfigured configured, List<RuleId> reasons,
                                      FunctionFacts facts) {
        Optional<VpcConfig> knownGood = configured.created() ? Optional.empty() : facts.lastKnownGoodVpc();
        VpcConfig set = configured.resultingVpc();
        if (facts.function().isEmpty()) {
            // Not read: the executor reads the live function and verifies it first.
            return knownGood.isPresent() ? new Action.RestoreVpcConfig(function, knownGood.get(), set, Optional.empty())
                    : new Action.Quarantine(function, reasons, set);
        }
        Action.Kind planned = knownGood.isPresent() ? Action.Kind.RESTORE_VPC_CONFIG : Action.Kind.QUARANTINE;
        return switch (facts.function().get()) {
            case LiveFunction.Missing missing -> new Action.LeaveAlone(function, planned, true, "function no longer exists");
            case LiveFunction.Found live when !live.vpc().sameAttachment(set) -> changedSince(function, planned, set, knownGood, live.vpc());
            case LiveFunction.Found live -> knownGood.isPresent()
                    ? new Action.RestoreVpcConfig(function, knownGood.get(), live.vpc(), live.revisionId())
                    : new Action.Quarantine(function, reasons, set);
        };
    }

    /** The live VPC config is no longer the one the event set: the rollback is left undone, saying why. */
    private static Action changedSince(FunctionRef function, Action.Kind planned, VpcConfig set, Optional<VpcConfig> knownGood,
                                       VpcConfig now) {
        if (knownGood.isPresent() && now.sameAttachment(knownGood.get())) {
            return new Action.LeaveAlone(function, planned, true,
                    "the function is back in its last known-good VPC config (" + now.describe() + ")");
        }
        String what = !set.isAttached() && now.isAttached()
                ? "the function is now in " + now.describe() + ": it was moved into a VPC after the event"
                : "the function changed after the event";
        return new Action.LeaveAlone(function, planned, false, what + ", so its live VPC config is no longer what the"
                + " event set (" + set.describe() + "); left alone");
    }

    private Optional<String> exemption(RuleId rule, FunctionRef function, boolean guardrail,
                                       List<String> actorIdentities, Map<String, String> tags) {
        if (rule.isAudit()) {
            return Optional.empty();
        }
        if (guardrail && (rule == RuleId.LAMBDA_NOT_IN_VPC || rule == RuleId.LAMBDA_VPC_NOT_ALLOWED)) {
            return Optional.of("the guardrail's own function (exempt from the VPC rules only)");
        }
        String tagKey = policy.exemptions().tagKey();
        String tagValue = tags.get(tagKey);
        if (tagValue != null && exemptedRules(tagValue).filter(r -> r.contains("*") || r.contains(rule.name())).isPresent()) {
            return Optional.of("tag " + tagKey + "=" + tagValue.trim());
        }
        for (int i = 0; i < functionExemptions.size(); i++) {
            if (functionExemptions.get(i).matcher(function.name()).matches()) {
                return Optional.of("function name matches '" + policy.exemptions().functionNamePatterns().get(i) + "'");
            }
        }
        for (int i = 0; i < actorExemptions.size(); i++) {
            Pattern pattern = actorExemptions.get(i);
            if (actorIdentities.stream().anyMatch(id -> pattern.matcher(id).matches())) {
                return Optional.of("actor matches '" + policy.exemptions().actorArnPatterns().get(i) + "'");
            }
        }
        return Optional.empty();
    }

    /**
     * What an exemption tag value exempts: {@code *} (every rule) or a comma list of rule ids; empty
     * when it is anything else (a typo, a rule this guard does not know), which exempts nothing and
     * withholds rollback, since its owner meant to exempt something.
     */
    private static Optional<Set<String>> exemptedRules(String value) {
        String trimmed = value.trim();
        if ("*".equals(trimmed)) {
            return Optional.of(Set.of("*"));
        }
        List<String> ids = List.of(trimmed.split("\\s*,\\s*", -1));
        return ids.stream().allMatch(id -> RuleId.parse(id).isPresent()) ? Optional.of(Set.copyOf(ids)) : Optional.empty();
    }

    private static String bounded(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }

    /**
     * The function's known tags, overlaid with the tags the call itself set; only the call's when
     * the function's could not be read.
     */
    private static Map<String, String> tags(LambdaChange change, FunctionFacts facts) {
        Map<String, String> known = switch (facts.tags()) {
            case FunctionTags.Read read -> read.tags();
            case FunctionTags.Unreadable unreadable -> Map.of();
        };
        return switch (change) {
            case LambdaChange.FunctionConfigured configured when !configured.tags().isEmpty() -> {
                Map<String, String> merged = new HashMap<>(known);
                merged.putAll(configured.tags());
                yield merged;
            }
            case LambdaChange.FunctionConfigured configured -> known;
            case LambdaChange.PermissionGranted granted -> known;
            case LambdaChange.ResourcePolicyReplaced replaced -> known;
            case LambdaChange.FunctionUrlConfigured url -> known;
            // Judged by GUARDRAIL_TAG_CHANGED alone, an audit rule that no tag exempts.
            case LambdaChange.TagsChanged tagged -> known;
        };
    }

    private record Plan(List<Action> actions, Optional<String> note) {
        static final Plan NONE = new Plan(List.of(), Optional.empty());

        static Plan of(Action action) {
            return new Plan(List.of(action), Optional.empty());
        }

        static Plan withheld(String note) {
            return new Plan(List.of(), Optional.of(note));
        }
    }
}
