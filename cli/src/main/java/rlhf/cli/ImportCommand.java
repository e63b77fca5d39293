package rlhf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import rlhf.demo.taskworld.DataRecords.ComparisonRecord;
import rlhf.demo.taskworld.Importers;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.GptModel;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.HfGpt2Import;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.Gpt2Bpe;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.model.tokenizer.Tokenizers;
import rlhf.wire.ModelStoreLayout;

/** {@code rlhf import}: outside data and weights into this system's formats. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Brings outside data and weights in: human comparisons as the reward model's comparisons file, "
            + "Hugging Face GPT-2 weights as a base model.",
        subcommands = {ImportCommand.HhRlhf.class, ImportCommand.InstructGpt.class, ImportCommand.HfGpt2.class})
final class ImportCommand {

    /** Converts a JSONL file line by line; a bad line stops the import and names its line number. */
    abstract static class Comparisons implements Callable<Integer> {
        private final String source;
        private final BiFunction<String, String, ComparisonRecord> parser;

        @Spec
        CommandSpec spec;
        @Mixin
        Folders.WorkDir work;
        @Mixin
        Folders.Data data;

        @Parameters(index = "0", paramLabel = "FILE", description = "The JSONL file to import.")
        Path file;

        @Option(names = "--out", paramLabel = "FILE",
                description = "Where the comparisons go (default: <data>/" + TaskWorldData.COMPARISONS + ").")
        Path out;

        @Option(names = "--gateway", paramLabel = "URL",
                description = "Send them through the feedback gateway's API instead (e.g. http://localhost:8084): "
                    + "validated, scrubbed, split and stored once on rlhf.comparisons.")
        String gateway;

        @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:RLHF_API_KEY}",
                description = "The gateway's API key (default: the environment variable RLHF_API_KEY).")
        String apiKey;

        /** @param parser one line and its id ({@code source-<line number>}) to a comparison */
        Comparisons(String source, BiFunction<String, String, ComparisonRecord> parser) {
            this.source = source;
            this.parser = parser;
        }

        @Override
        public Integer call() throws IOException {
            List<ComparisonRecord> records = new ArrayList<>();
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).isBlank()) {
                    records.add(parser.apply(lines.get(i), source + "-" + (i + 1)));
                }
            }
            if (gateway != null) {
                return throughGateway(records);
            }
            Path target = out != null ? out : data.in(work).resolve(TaskWorldData.COMPARISONS);
            Jsonl.write(target, records);
            System.out.printf("import %s: %d comparisons from %s -> %s%n", source, records.size(), file, target);
            return 0;
        }

        private int throughGateway(List<ComparisonRecord> records) throws IOException {
            if (apiKey == null || apiKey.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--gateway needs an API key: --api-key KEY or "
                        + "the environment variable RLHF_API_KEY");
            }
            System.out.printf("import %s: %d comparisons from %s -> %s%n", source, records.size(), file, gateway);
            GatewayImport.Tally tally;
            try {
                tally = new GatewayImport(gateway, apiKey, System.out)
                        .send(records.stream().map(GatewayImport::comparison).toList());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            System.out.printf("import %s: %d stored, %d already stored, %d refused%n", source, tally.accepted(),
                    tally.duplicates(), tally.rejected());
            return tally.rejected() == 0 ? 0 : Rlhf.FAILED;
        }
    }

    @Command(name = "hh-rlhf", mixinStandardHelpOptions = true,
            description = "Anthropic hh-rlhf pairs, {\"chosen\": \"\\n\\nHuman: ...\\n\\nAssistant: ...\", "
                + "\"rejected\": ...} per line: the shared conversation is the prompt, chosen ranks above rejected.")
    static final class HhRlhf extends Comparisons {
        HhRlhf() {
            super("hh-rlhf", Importers::hhRlhf);
        }
    }

    @Command(name = "instructgpt", mixinStandardHelpOptions = true,
            description = "InstructGPT-style K-way rankings, {\"prompt\": ..., \"completions\": [...], \"ranks\": "
                + "[1, 2, 2, ...]} per line: rank 1 is best, equal ranks are ties, K = 2..9.")
    static final class InstructGpt extends Comparisons {
        InstructGpt() {
            super("instructgpt", Importers::instructGptRanking);
        }
    }

    @Command(name = "hf-gpt2", mixinStandardHelpOptions = true,
            description = {"A Hugging Face GPT-2 folder becomes the newest base model in the store, so SFT can start "
                + "from real weights: config.json, model.safetensors and tokenizer.json (or GPT-2's encoder.json + "
                + "vocab.bpe)."})
    static final class HfGpt2 implements Callable<Integer> {
        @Mixin
        Folders.WorkDir work;
        @Mixin
        Folders.Store store;

        @Parameters(index = "0", paramLabel = "DIR", description = "The Hugging Face model folder.")
        Path dir;

        @Override
        public Integer call() {
            TextTokenizer tokenizer = tokenizer(dir);
            try (GptModel model = HfGpt2Import.importDirectory(dir)) {
                if (tokenizer.vocabSize() > model.config().vocabSize()) {
                    throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                            + " ids but the model only " + model.config().vocabSize());
                }
                Checkpoint published = new CheckpointStore(store.in(work)).publish(ModelStoreLayout.BASE, model,
                        tokenizer, new Lineage(List.of(), List.of("hf-gpt2:" + dir.toAbsolutePath()), Map.of()));
                System.out.printf("import hf-gpt2: %s (%s) -> %s%n", dir, model.config(), published.directory());
                return 0;
            }
        }

        private static TextTokenizer tokenizer(Path dir) {
            try {
                Path json = dir.resolve("tokenizer.json");
                if (Files.isRegularFile(json)) {
                    return Tokenizers.fromJson(Files.readString(json));
                }
                Path encoder = dir.resolve("encoder.json");
                Path merges = dir.resolve("vocab.bpe");
                if (Files.isRegularFile(encoder) && Files.isRegularFile(merges)) {
                    return Tokenizers.fromJson(
                            Gpt2Bpe.tokenizerJson(Files.readString(encoder), Files.readString(merges)));
                }
                throw new IllegalArgumentException(dir + " holds neither tokenizer.json nor encoder.json + vocab.bpe");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the tokenizer in " + dir, e);
            }
        }
    }
}
