package rlhf.cli;

import picocli.CommandLine.Option;

/** The seed of a command's randomness, declared once; each command says its default in its description. */
final class Seed {

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the command's randomness.")
    Long seed;

    long orElse(long otherwise) {
        return seed != null ? seed : otherwise;
    }
}
