package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.ActionOutcome;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each rollback, carried out by the remediator against moto, calls exactly the IAM actions its
 * kind declares ({@link Action.Kind#permissions}, from which the template's grants are derived),
 * the reads that verify the live state included; the declared actions it does not call are those
 * AWS checks on the guard's behalf.
 */
@ExtendWith(MotoWorld.class)
class ActionPermissionsMotoTest {

    private static final List<String> SUBNETS = List.of("subnet-0a1b2c3d4e5f60011");
    private static final List<String> SECURITY_GROUPS = List.of("sg-0a1b2c3d4e5f60021");

    private final MotoAccount moto;

    ActionPermissionsMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    private static FunctionRef function(String name) {
        return new FunctionRef(name, Optional.empty(), functionArn(name));
    }

    /** The IAM actions of the calls the remediator made, which must be those its kind declares less {@code checkedByAws}. */
    private void assertCalledExactlyTheDeclared(Action action, ActionOutcome outcome, Set<String> checkedByAws) {
        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        Set<String> expected = new TreeSet<>(action.kind().permissions());
        expected.removeAll(checkedByAws);
        assertEquals(expected, moto.guardCalls.iamActions(), action.type());
    }

    @Test
    void removalReadsThePolicyThenRemovesTheStatement() {
        String name = moto.createFunction("invoice-renderer");
        var added = moto.addPermission(b -> b.functionName(name).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        Action.RemovePermission remove = new Action.RemovePermission(function(name), "allow-anyone",
                added.response().statement(), Optional.empty());

        ActionOutcome outcome = moto.remediator(WatchedApi.resourcePolicy()).removePermission(remove);

        assertCalledExactlyTheDeclared(remove, outcome, Set.of());
    }

    @Test
    void quarantineReadsTheFunctionThenTagsItAndSetsItsConcurrency() {
        String name = moto.createFunction("data-scraper");
        Action.Quarantine quarantine = new Action.Quarantine(function(name), List.of(RuleId.LAMBDA_NOT_IN_VPC), VpcConfig.NONE);

        ActionOutcome outcome = moto.remediator(WatchedApi.functionConfiguration()).quarantine(quarantine, "event-1");

        // ListTags is no call of its own: GetFunction returns the tags only to a caller allowed it.
        assertCalledExactlyTheDeclared(quarantine, outcome, Set.of("lambda:ListTags"));
    }

    @Test
    void restoreReadsTheFunctionThenUpdatesItsVpcConfig() {
        String name = moto.createFunction("payments-worker");
        VpcConfig good = new VpcConfig(SUBNETS, SECURITY_GROUPS, Optional.empty());
        Action.RestoreVpcConfig restore = new Action.RestoreVpcConfig(function(name), good, VpcConfig.NONE, Optional.empty());

        ActionOutcome outcome = moto.remediator(WatchedApi.functionConfiguration()).restoreVpcConfig(restore);

        // Lambda itself checks that the caller may describe the subnets and security groups it attaches.
        assertCalledExactlyTheDeclared(restore, outcome,
                Set.of("ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"));
    }
}
