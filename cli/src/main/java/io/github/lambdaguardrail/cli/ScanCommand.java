package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.guard.sweep.ScanReport;
import io.github.lambdaguardrail.guard.sweep.ScanResult;
import io.github.lambdaguardrail.guard.sweep.ScanSettings;
import io.github.lambdaguardrail.guard.sweep.Sweep;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * {@code guardrail scan}: evaluates every existing function of the account with the same rules
 * as the guards (VPC placement; the resource policy of each function, alias and version; function
 * URL configs). Read-only, rate-limited, paginated; credentials, region and endpoint from the
 * SDK's standard chain ({@code AWS_PROFILE}, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, ...).
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        // One element per paragraph: `guardrail --help` lists a command by the first one, whole.
        description = {"Evaluates every existing Lambda function (and its aliases, versions and function URLs) in the"
                + " account's regions against the policy. Read-only: it reports, it never changes a function."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no findings", "1:findings (not exempted)",
            "2:unusable arguments, or a region or function could not be read completely"})
final class ScanCommand implements Callable<Integer> {

    enum Format { TEXT, JSON }

    @Spec
    CommandSpec spec;

    @Option(names = "--region", paramLabel = "REGION",
            description = "Region to scan; repeat for several. Default: the SDK's default region (AWS_REGION, profile).")
    List<String> regions = new ArrayList<>();

    @Mixin
    PolicyFile policyFile;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text: a report per region; json: one JSON document per region, every finding. Default: text.")
    Format format;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "" + ScanSettings.DEFAULT_RATE_LIMIT,
            description = "Lambda API requests per second, all calls of the scan together; the account's control-plane"
                    + " quota is 15/s, shared with your deployments. Default: ${DEFAULT-VALUE}.")
    double rateLimit;

    @Option(names = "--max-findings", paramLabel = "N", defaultValue = "50",
            description = "text: the worst findings listed per region. Default: ${DEFAULT-VALUE}.")
    int maxFindings;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Diagnostics diagnostics = new Diagnostics(out, spec.commandLine().getErr());
        Optional<Policy> policy = policyFile.read(diagnostics);
        if (policy.isEmpty()) {
            return GuardrailCli.UNUSABLE;
        }
        ScanSettings settings;
        try {
            settings = ScanSettings.DEFAULT.withRateLimit(rateLimit);
        } catch (IllegalArgumentException e) {
            diagnostics.error("--rate-limit", e.getMessage());
            return GuardrailCli.UNUSABLE;
        }
        List<String> scanned = regions;
        if (scanned.isEmpty()) {
            try {
                scanned = List.of(new DefaultAwsRegionProviderChain().getRegion().id());
            } catch (SdkException e) {
                diagnostics.error("--region", "none given and no default region (set AWS_REGION or pass --region)");
                return GuardrailCli.UNUSABLE;
            }
        }
        // Progress and per-function problems go to stderr as JSON lines; stdout holds the report.
        JsonLog log = new JsonLog(new PrintStream(System.err, true));
        boolean findings = false;
        boolean incomplete = false;
        for (String region : scanned) {
            ScanResult result;
            try {
                result = Sweep.scanRegions(policy.get(), List.of(region), settings, log).get(0);
            } catch (SdkException e) {
                diagnostics.error(region, "cannot list functions: " + e.getMessage());
                incomplete = true;
                continue;
            }
            out.println(format == Format.JSON ? ScanReport.toJson(result).toString()
                    : ScanReport.text(result, maxFindings, ScanReport.SUMMARY_ERRORS));
            out.flush();
            findings |= !result.findings().isEmpty();
            incomplete |= !result.complete() || !result.errors().isEmpty();
        }
        if (incomplete) {
            return GuardrailCli.UNUSABLE;
        }
        return findings ? GuardrailCli.FINDINGS : GuardrailCli.OK;
    }
}
