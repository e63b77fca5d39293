package rlhf.cli;

import picocli.CommandLine.Option;

/** {@code --limit}: read only the first prompts of a data set; declared once for every command that reads prompts. */
final class Limit {

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N prompts (default: all).")
    Integer limit;

    int orAll() {
        return limit == null ? Integer.MAX_VALUE : limit;
    }
}
