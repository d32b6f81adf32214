package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.cli.TemplateProposals.Proposal;
import io.github.lambdaguardrail.engine.Actor;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.engine.Verdict;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code guardrail check}: judges SAM and CloudFormation templates before deploy with the engine
 * and policy the guards use. Each Lambda resource becomes the request a deploy would make
 * ({@link TemplateProposals}), judged by {@link GuardrailEngine#evaluateProposed}; a value the
 * policy needs that is known only at deploy is an {@code UNRESOLVED} finding, never compliant.
 */
@Command(name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = GuardrailCli.Version.class,
        sortOptions = false,
        description = {
            "Checks SAM and CloudFormation templates before deploy with the same engine and policy as the guards, and"
                    + " prints one finding per line with the template's path and line.",
            "Templates are YAML (short-form tags such as !Ref included) or JSON. Judged: the VPC config of"
                    + " AWS::Serverless::Function (Globals included) and AWS::Lambda::Function, AWS::Lambda::Permission,"
                    + " AWS::Lambda::Url and a function's FunctionUrlConfig, and the statements of AWS::Lambda::ResourcePolicy.",
            "Resolved before deploy: parameters (--parameter, else their Default), Globals, the pseudo parameters (--account,"
                    + " --region, --stack-name), Ref and Fn::GetAtt .Arn of the template's own resources, Fn::Sub, Fn::Join,"
                    + " Fn::Select, Fn::Split, Fn::FindInMap, and Fn::If over conditions that can be decided.",
            "UNRESOLVED: a value the policy needs that is known only at deploy (Fn::ImportValue, a parameter without"
                    + " default, an SSM parameter, another attribute of another resource, a dynamic reference) is reported"
                    + " as an UNRESOLVED finding, never as compliant, and counts as a finding for the exit status (unless"
                    + " the function is exempt from every rule that would judge the value).",
            "Exemptions: the policy's exemption tag (the template's Tags) and function name patterns (FunctionName, else"
                    + " the logical id) apply; actor exemptions do not (nobody has acted yet). Exempted findings are printed,"
                    + " not counted. Problems are reported on stderr as 'guardrail: FILE: REASON'."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no findings", "1:findings (not exempted), UNRESOLVED ones included",
            "2:unusable template or arguments: wins over 1"})
final class CheckCommand implements Callable<Integer> {

    enum Format { TEXT, JSON, SARIF }

    @Spec
    CommandSpec spec;

    @Mixin
    PolicyFile policyFile;

    @Option(names = "--format", paramLabel = "text|json|sarif", defaultValue = "text",
            description = "text: FILE:LINE: lines and a count; json: JSON Lines, one finding per line;"
                    + " sarif: SARIF 2.1.0 (GitHub code scanning). Default: text.")
    Format format;

    @Option(names = {"-p", "--parameter"}, paramLabel = "NAME=VALUE",
            description = "A template parameter's value, as 'sam deploy --parameter-overrides' gives it (repeatable).")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--account", paramLabel = "ID", defaultValue = "000000000000",
            description = "AWS::AccountId: the account the stack deploys to, always trusted. Default: ${DEFAULT-VALUE},"
                    + " a stand-in that matches no real account.")
    String account;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "AWS::Region. Default: ${DEFAULT-VALUE}.")
    String region;

    @Option(names = "--stack-name", paramLabel = "NAME", defaultValue = "stack",
            description = "AWS::StackName (function names built from it meet the exemption patterns). Default: ${DEFAULT-VALUE}.")
    String stackName;

    @Parameters(paramLabel = "TEMPLATE", arity = "1..*", description = "Template files (YAML or JSON).")
    List<Path> templates;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Diagnostics diagnostics = new Diagnostics(out, spec.commandLine().getErr());
        if (!account.matches("\\d{12}")) {
            diagnostics.error("--account", "'" + account + "' is not a 12-digit account id");
            return GuardrailCli.UNUSABLE;
        }
        Optional<Policy> policy = policyFile.read(diagnostics);
        if (policy.isEmpty()) {
            return GuardrailCli.UNUSABLE;
        }
        GuardrailEngine engine = new GuardrailEngine(policy.get(), Set.of());
        TemplateResolver.Deployment deployment = new TemplateResolver.Deployment(account, region, stackName, "aws");
        List<CheckFinding> findings = new ArrayList<>();
        boolean unusable = false;
        int read = 0;
        for (Path template : templates) {
            try {
                findings.addAll(check(template, engine, deployment));
                read++;
            } catch (TemplateNode.Unreadable e) {
                diagnostics.error(template.toString(), e.getMessage());
                unusable = true;
            } catch (IOException e) {
                diagnostics.error(template.toString(), Diagnostics.reason(e));
                unusable = true;
            }
        }
        if (read > 0) {
            // With nothing read, "No findings" (or an empty SARIF run) would read as a clean check.
            printer().print(findings, out);
        }
        out.flush();
        if (unusable) {
            return GuardrailCli.UNUSABLE;
        }
        return findings.stream().anyMatch(f -> !f.isExempted()) ? GuardrailCli.FINDINGS : GuardrailCli.OK;
    }

    private CheckPrinter printer() throws IOException {
        return switch (format) {
            case TEXT -> new CheckTextPrinter();
            case JSON -> new CheckJsonPrinter();
            case SARIF -> new SarifPrinter(new GuardrailCli.Version().getVersion()[0].replaceFirst("^guardrail ", ""));
        };
    }

    /** The findings of one template, in line order. */
    List<CheckFinding> check(Path template, GuardrailEngine engine, TemplateResolver.Deployment deployment)
            throws IOException, TemplateNode.Unreadable {
        if (!(TemplateNode.read(template) instanceof TemplateNode.Mapping root)
                || !(root.get("Resources") instanceof TemplateNode.Mapping)) {
            throw new TemplateNode.Unreadable("not a CloudFormation template: no Resources mapping");
        }
        String file = template.toString();
        String uri = uri(template);
        TemplateResolver resolver = new TemplateResolver(root, parameters, deployment);
        List<CheckFinding> findings = new ArrayList<>();
        for (Proposal proposal : TemplateProposals.of(root, resolver)) {
            switch (proposal) {
                case Proposal.Change change -> {
                    RecordHeader header = new RecordHeader("check:" + file + "#" + change.logicalId(), change.api().baseName(), "",
                            deployment.account(), deployment.region(), new Actor("guardrail check", "Template",
                            Optional.empty(), Optional.empty()));
                    Verdict verdict = engine.evaluateProposed(change.change(), header, new FunctionFacts(change.tags(), Optional.empty()));
                    for (Finding f : verdict.findings()) {
                        findings.add(new CheckFinding(file, uri, change.line(), change.logicalId(), change.type(), f.ruleId().name(),
                                f.severity(), f.message(), f.exemption()));
                    }
                }
                case Proposal.Unknown unknown -> {
                    List<RuleId> judging = unknown.rules().stream()
                            .filter(rule -> engine.policy().modeFor(rule) != Mode.OFF).toList();
                    if (!judging.isEmpty()) {
                        Severity severity = judging.stream().map(RuleId::severity).max(Comparator.naturalOrder()).orElseThrow();
                        findings.add(new CheckFinding(file, uri, unknown.line(), unknown.logicalId(), unknown.type(),
                                CheckFinding.UNRESOLVED, severity, unknown.field() + ": " + unknown.reason(),
                                exemption(engine, unknown, judging)));
                    }
                }
            }
        }
        findings.sort(Comparator.comparingInt(CheckFinding::line));
        return findings;
    }

    /** An unresolved value needs no judging when every rule that would judge it exempts the function: why, if so. */
    private static Optional<String> exemption(GuardrailEngine engine, Proposal.Unknown unknown, List<RuleId> judging) {
        List<Optional<String>> exemptions = judging.stream()
                .map(rule -> unknown.function().flatMap(f -> engine.proposedExemption(rule, f, unknown.tags()))).toList();
        return exemptions.stream().allMatch(Optional::isPresent) ? exemptions.get(0) : Optional.empty();
    }

    /** The template relative to the current directory, with '/', as SARIF's artifact URI. */
    private static String uri(Path template) {
        Path absolute = template.toAbsolutePath().normalize();
        Path relative = Path.of("").toAbsolutePath().relativize(absolute);
        return relative.toString().replace(File.separatorChar, '/');
    }
}
