package io.github.lambdaguardrail.engine.internal;

import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.RecordHeader;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves the forms a Lambda API accepts for a function: name, partial ARN, ARN, each optionally qualified. */
final class Functions {

    private static final Pattern FULL_ARN =
            Pattern.compile("arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\\d+):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?");
    private static final Pattern PARTIAL_ARN = Pattern.compile("(\\d+):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?");
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?");

    private Functions() {
    }

    static FunctionRef ref(String nameOrArn, Optional<String> qualifierParameter, RecordHeader header) {
        String partition = partitionOf(header.region());
        String region = header.region();
        String account = header.account();
        String name;
        Optional<String> qualifier;
        Matcher m;
        if ((m = FULL_ARN.matcher(nameOrArn)).matches()) {
            partition = m.group(1);
            region = m.group(2);
            account = m.group(3);
            name = m.group(4);
            qualifier = Optional.ofNullable(m.group(5));
        } else if ((m = PARTIAL_ARN.matcher(nameOrArn)).matches()) {
            account = m.group(1);
            name = m.group(2);
            qualifier = Optional.ofNullable(m.group(3));
        } else if ((m = NAME.matcher(nameOrArn)).matches()) {
            name = m.group(1);
            qualifier = Optional.ofNullable(m.group(2));
        } else {
            throw new RecordParser.BadRecord("'" + nameOrArn + "' is not a function name or ARN");
        }
        Optional<String> q = qualifierParameter.or(() -> qualifier).filter(s -> !"$LATEST".equals(s));
        String arn = "arn:" + partition + ":lambda:" + region + ":" + account + ":function:" + name;
        return new FunctionRef(name, q, arn);
    }

    static String partitionOf(String region) {
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }
}
