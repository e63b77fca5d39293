package rlhf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import picocli.CommandLine;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.trainer.jobs.TestData;
import rlhf.wire.ModelStoreLayout;

/** The {@code rlhf} command as a user meets it: help, exit codes, and real work done by its subcommands. */
class RlhfCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    /** Runs the command line in this JVM with System.out and System.err captured. */
    private static Run rlhf(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            CommandLine line = Rlhf.commandLine();
            line.setOut(new PrintWriter(o, true));
            line.setErr(new PrintWriter(e, true));
            int status = line.execute(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Run run = rlhf("--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("data", "train", "compare", "evaluate", "evaluate-versions", "gold-ppo", "import",
                "snapshot", "demo", "serve").contains("Exit codes:");
    }

    @Test
    void aJobsHelpShowsEveryParameterWithItsDefault() {
        Run run = rlhf("train", "ppo", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("--kl-coef=VALUE", "Default: 0.3", "--advantage=VALUE", "Default: group", "--clip-epsilon=VALUE", "--kafka=HOST:PORT",
                "--store=DIR", "--work-dir=DIR");
    }

    @Test
    void anUnknownFlagIsAUsageErrorWithTheUsage() {
        Run run = rlhf("train", "ppo", "--bogus");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--bogus'").contains("Usage: rlhf train ppo");
        assertThat(rlhf().status()).as("no command").isEqualTo(2);
        assertThat(rlhf("train").status()).as("no job").isEqualTo(2);
    }

    @Test
    void aValueTheJobRefusesIsAUsageErrorNamingTheParameter() {
        Run run = rlhf("train", "sft", "--store", dir.resolve("store").toString(), "--epochs", "0");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("epochs").contains("outside").contains("Usage: rlhf train sft");
    }

    @Test
    void pretrainRunsFromTheCommandLineAndPublishes() {
        TestData.corpus(dir.resolve("data"), 100);
        Run run = rlhf("train", "pretrain", "--store", dir.resolve("store").toString(), "--data",
                dir.resolve("data").toString(), "--layers", "1", "--width", "32", "--heads", "2", "--context", "32",
                "--steps", "3");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("pretrain step 3/3").contains("published base/v1")
                .contains("pretrain.heldout.loss");
        assertThat(new CheckpointStore(dir.resolve("store")).versions(ModelStoreLayout.BASE)).containsExactly(1);
    }

    @Test
    void ppoWithoutKafkaFailsSayingItNeedsIt() {
        Run run = rlhf("train", "ppo", "--store", dir.resolve("store").toString(), "--data", dir.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("ppo failed").contains("--kafka");
    }

    @Test
    void dataWritesTheTaskWorldIntoTheWorkFolder() {
        Run run = rlhf("data", "--work-dir", dir.toString(), "--corpus", "50", "--seed", "3");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(dir.resolve("taskworld/pretrain-corpus.jsonl")).exists();
        assertThat(dir.resolve("taskworld/eval-prompts.jsonl")).exists();
        assertThat(run.out()).contains("(seed 3)");
    }

    @Test
    void hhRlhfPairsBecomeComparisonsAndABadLineIsNamed() throws IOException {
        Path file = dir.resolve("hh.jsonl");
        Files.writeString(file, "{\"chosen\": \"\\n\\nHuman: Hi\\n\\nAssistant: Hello!\", "
                + "\"rejected\": \"\\n\\nHuman: Hi\\n\\nAssistant: Go away.\"}\n");
        Run run = rlhf("import", "hh-rlhf", file.toString(), "--data", dir.resolve("data").toString());
        assertThat(run.status()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("data/comparisons.jsonl"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("\"hh-rlhf-1\"", "Hello!", "Go away.");

        Files.writeString(file, "\n{\"chosen\": \"x\", \"rejected\": \"y\"}\n");
        Run bad = rlhf("import", "hh-rlhf", file.toString(), "--out", dir.resolve("other.jsonl").toString());
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("hh-rlhf-2");
        assertThat(dir.resolve("other.jsonl")).doesNotExist();
    }

    @Test
    void importingThroughTheGatewayNeedsAnApiKey() throws IOException {
        Path file = dir.resolve("hh.jsonl");
        Files.writeString(file, "{\"chosen\": \"\\n\\nHuman: Hi\\n\\nAssistant: Hello!\", "
                + "\"rejected\": \"\\n\\nHuman: Hi\\n\\nAssistant: Go away.\"}\n");
        Run run = rlhf("import", "hh-rlhf", file.toString(), "--gateway", "http://localhost:1");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--gateway needs an API key");
    }

    @Test
    void aHuggingFaceGpt2FolderBecomesABaseModel() throws IOException {
        Path hf = tinyHuggingFaceGpt2(dir.resolve("hf"));
        Run run = rlhf("import", "hf-gpt2", hf.toString(), "--store", dir.resolve("store").toString());
        assertThat(run.status()).as(run.err()).isZero();
        try (LoadedCheckpoint base = new CheckpointStore(dir.resolve("store")).loadLatest(ModelStoreLayout.BASE)) {
            assertThat(base.model().config().layers()).isEqualTo(1);
            assertThat(base.model().config().width()).isEqualTo(8);
            assertThat(base.tokenizer().vocabSize()).isEqualTo(new ByteTokenizer().vocabSize());
            assertThat(base.checkpoint().manifest().lineage().datasets()).anyMatch(d -> d.startsWith("hf-gpt2:"));
        }
    }

    /** A one-layer GPT-2 with Hugging Face's tensor names, config and a byte tokenizer. */
    private static Path tinyHuggingFaceGpt2(Path folder) throws IOException {
        Files.createDirectories(folder);
        int v = new ByteTokenizer().vocabSize();
        int c = 8;
        int context = 16;
        try (NDManager manager = NDManager.newBaseManager();
                OutputStream out = Files.newOutputStream(folder.resolve("model.safetensors"))) {
            NDList weights = new NDList();
            add(weights, manager, "wte.weight", v, c);
            add(weights, manager, "wpe.weight", context, c);
            add(weights, manager, "h.0.ln_1.weight", c);
            add(weights, manager, "h.0.ln_1.bias", c);
            add(weights, manager, "h.0.attn.c_attn.weight", c, 3 * c);
            add(weights, manager, "h.0.attn.c_attn.bias", 3 * c);
            add(weights, manager, "h.0.attn.c_proj.weight", c, c);
            add(weights, manager, "h.0.attn.c_proj.bias", c);
            add(weights, manager, "h.0.ln_2.weight", c);
            add(weights, manager, "h.0.ln_2.bias", c);
            add(weights, manager, "h.0.mlp.c_fc.weight", c, 4 * c);
            add(weights, manager, "h.0.mlp.c_fc.bias", 4 * c);
            add(weights, manager, "h.0.mlp.c_proj.weight", 4 * c, c);
            add(weights, manager, "h.0.mlp.c_proj.bias", c);
            add(weights, manager, "ln_f.weight", c);
            add(weights, manager, "ln_f.bias", c);
            weights.encode(out, NDList.Encoding.SAFETENSORS);
        }
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_head\": 2, \"n_embd\": " + c
                + ", \"n_layer\": 1, \"n_positions\": " + context + ", \"vocab_size\": " + v + "}");
        Files.writeString(folder.resolve("tokenizer.json"), new ByteTokenizer().toJson());
        return folder;
    }

    private static void add(NDList list, NDManager manager, String name, long... shape) {
        NDArray array = manager.randomNormal(0, 0.02f, new Shape(shape), DataType.FLOAT32);
        array.setName(name);
        list.add(array);
    }
}
