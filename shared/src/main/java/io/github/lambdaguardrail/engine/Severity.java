package io.github.lambdaguardrail.engine;

/** How bad a finding is; ordered from least to most severe. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL
}
