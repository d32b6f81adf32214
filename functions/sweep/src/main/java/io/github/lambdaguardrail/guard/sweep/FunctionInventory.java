package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.engine.FunctionTags;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.List;
import java.util.Optional;

/**
 * The live state of a region's functions, as the sweep reads it. Every list is complete (all
 * pages); a function deleted while the sweep runs reads as absent, never as an error.
 * IAM: {@code lambda:ListFunctions}, {@code lambda:GetFunction} (and {@code lambda:ListTags}, without
 * which the tags are unreadable), {@code lambda:ListAliases}, {@code lambda:ListVersionsByFunction},
 * {@code lambda:GetPolicy}, {@code lambda:ListFunctionUrlConfigs}.
 * Implementations are thread-safe.
 */
public interface FunctionInventory {

    /** Every function of the region ({@code ListFunctions}). */
    List<ListedFunction> functions();

    /** The function's configuration and tags ({@code GetFunction}); empty once it is deleted. */
    Optional<LiveFunction> function(String functionArn);

    /** The function's alias names ({@code ListAliases}). */
    List<String> aliases(String functionArn);

    /** The function's published versions, without {@code $LATEST} ({@code ListVersionsByFunction}). */
    List<String> versions(String functionArn);

    /**
     * The resource policy document of the function, or of one alias or version: each has its own
     * ({@code GetPolicy}). Empty when there is none.
     */
    Optional<String> policy(String functionArn, Optional<String> qualifier);

    /** The function URL configs of the function and its aliases ({@code ListFunctionUrlConfigs}). */
    List<UrlConfig> urlConfigs(String functionArn);

    /** A function as listed: its name and unqualified ARN. */
    record ListedFunction(String name, String arn) {
    }

    /**
     * A function's live configuration.
     *
     * @param tags never logged (tags can carry secrets)
     */
    record LiveFunction(String name, String arn, VpcConfig vpc, FunctionTags tags) {
    }

    /**
     * A function URL config.
     *
     * @param functionArn the function's ARN, qualified by the alias the URL belongs to, if any
     * @param authType    {@code NONE} or {@code AWS_IAM}
     */
    record UrlConfig(String functionArn, String authType) {
    }
}
