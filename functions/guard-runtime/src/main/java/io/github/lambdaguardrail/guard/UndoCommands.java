package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.Condition;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.Optional;

/** The exact AWS CLI commands that undo each of the guard's actions, for alerts and tags. */
final class UndoCommands {

    private UndoCommands() {
    }

    /** Re-adds a removed statement with the same id, principal, action and conditions. */
    static String addPermission(FunctionRef function, PolicyStatement.Parsed s) {
        StringBuilder cmd = new StringBuilder("aws lambda add-permission --function-name ").append(quote(function.arn()));
        function.qualifier().ifPresent(q -> cmd.append(" --qualifier ").append(quote(q)));
        cmd.append(" --statement-id ").append(quote(s.sid()));
        cmd.append(" --action ").append(quote(s.actions().isEmpty() ? "lambda:InvokeFunction" : s.actions().get(0)));
        String principal = s.principal().anyone() ? "*"
                : !s.principal().services().isEmpty() ? s.principal().services().get(0)
                : s.principal().accountIds().isEmpty() ? "*" : s.principal().accountIds().get(0);
        cmd.append(" --principal ").append(quote(principal));
        for (Condition c : s.conditions()) {
            String value = c.values().isEmpty() ? "" : c.values().get(0);
            switch (c.key()) {
                case "aws:sourcearn" -> cmd.append(" --source-arn ").append(quote(value));
                case "aws:sourceaccount" -> cmd.append(" --source-account ").append(quote(value));
                case "aws:principalorgid" -> cmd.append(" --principal-org-id ").append(quote(value));
                case "lambda:functionurlauthtype" -> cmd.append(" --function-url-auth-type ").append(quote(value));
                case "lambda:invokedviafunctionurl" -> cmd.append(" --invoked-via-function-url");
                case "lambda:eventsourcetoken" -> cmd.append(" --event-source-token ").append(quote(value));
                default -> cmd.append(" # condition ").append(c.operator()).append(' ').append(c.key()).append(" must be re-added by hand");
            }
        }
        return cmd.toString();
    }

    /** Lifts a quarantine: the previous reserved concurrency back, the guard's tags removed. */
    static String[] liftQuarantine(FunctionRef function, Optional<Integer> previousConcurrency) {
        String concurrency = previousConcurrency
                .map(n -> "aws lambda put-function-concurrency --function-name " + quote(function.arn())
                        + " --reserved-concurrent-executions " + n)
                .orElse("aws lambda delete-function-concurrency --function-name " + quote(function.arn()));
        return new String[] {concurrency, untagQuarantine(function)};
    }

    /** Removes the quarantine tags. */
    static String untagQuarantine(FunctionRef function) {
        return "aws lambda untag-resource --resource " + quote(function.arn()) + " --tag-keys "
                + String.join(" ", LambdaRemediator.QUARANTINE_TAGS);
    }

    /** Puts back the VPC config the guard replaced. */
    static String setVpcConfig(FunctionRef function, VpcConfig vpc) {
        return "aws lambda update-function-configuration --function-name " + quote(function.arn())
                + " --vpc-config SubnetIds=" + list(vpc.subnetIds()) + ",SecurityGroupIds=" + list(vpc.securityGroupIds());
    }

    private static String list(java.util.List<String> values) {
        return "[" + String.join(",", values) + "]";
    }

    private static String quote(String value) {
        return value.matches("[A-Za-z0-9_.:/@=+,$-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
