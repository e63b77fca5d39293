package rlhf.model.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import rlhf.model.GptModel;
import rlhf.model.TestModels;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.train.LiveArrays;

class CheckpointStoreTest {
    private static final int[] TOKENS = {1, 4, 1, 5, 9, 2, 6};
    private static GptModel model;

    @TempDir
    Path root;

    @BeforeAll
    static void setUp() {
        model = TestModels.tiny(3);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    private Checkpoint publish(CheckpointStore store) {
        Lineage lineage = new Lineage(List.of("pretrain/v1"), List.of("sft-demos@2026-11-21"), Map.of("heldout.loss", 1.25));
        return store.publish("sft", model, new ByteTokenizer(), lineage);
    }

    @Test
    void roundTripKeepsWeightsTokenizerAndLineage() {
        CheckpointStore store = new CheckpointStore(root);
        Checkpoint v1 = publish(store);
        Checkpoint v2 = publish(store);
        assertThat(v1.id()).isEqualTo("sft/v1");
        assertThat(store.versions("sft")).containsExactly(1, 2);
        assertThat(store.latest("sft")).get().extracting(Checkpoint::version).isEqualTo(2);
        assertThat(store.versions("reward")).isEmpty();
        assertThat(v2.manifest().lineage().parents()).containsExactly("pretrain/v1");
        assertThat(v2.manifest().files()).containsOnlyKeys("config.json", "weights.safetensors", "tokenizer.json");
        assertThat(v2.manifestSha256()).hasSize(64);

        try (LoadedCheckpoint loaded = store.load("sft", 1)) {
            assertThat(loaded.model().config()).isEqualTo(model.config());
            assertThat(loaded.tokenizer()).isInstanceOf(ByteTokenizer.class);
            assertThat(loaded.checkpoint().manifest().lineage().metrics()).containsEntry("heldout.loss", 1.25);
            float[][] expected = TestModels.fullLogits(model, TOKENS);
            float[][] actual = TestModels.fullLogits(loaded.model(), TOKENS);
            for (int t = 0; t < TOKENS.length; t++) {
                assertThat(actual[t]).containsExactly(expected[t], within(0f));
            }
        }
    }

    @Test
    void aCorruptWeightsFileIsRejectedByNameAndNothingIsLoaded() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        Checkpoint v1 = publish(store);
        Path weights = v1.directory().resolve("weights.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        int liveBefore = LiveArrays.count(model.manager());
        assertThatThrownBy(() -> store.load("sft", 1))
                .isInstanceOf(CheckpointCorruptException.class)
                .hasMessageContaining("weights.safetensors")
                .hasMessageContaining("sha256")
                .satisfies(e -> assertThat(((CheckpointCorruptException) e).file()).isEqualTo(weights));
        assertThat(LiveArrays.count(model.manager())).isEqualTo(liveBefore);
    }

    @Test
    void aTruncatedOrMissingFileIsRejectedByName() throws IOException {
        CheckpointStore store = new CheckpointStore(root);
        Checkpoint v1 = publish(store);
        Path tokenizer = v1.directory().resolve("tokenizer.json");
        try (RandomAccessFile f = new RandomAccessFile(tokenizer.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        assertThatThrownBy(() -> store.load("sft", 1))
                .isInstanceOf(CheckpointCorruptException.class)
                .hasMessageContaining("tokenizer.json")
                .hasMessageContaining("truncated");

        Checkpoint v2 = publish(store);
        Files.delete(v2.directory().resolve("manifest.json"));
        assertThatThrownBy(() -> store.load("sft", 2))
                .isInstanceOf(CheckpointCorruptException.class)
                .hasMessageContaining("manifest.json");
    }

    @Test
    void publishIsAtomicUnderConcurrencyAndLeavesNoStagingFolders() throws Exception {
        CheckpointStore store = new CheckpointStore(root);
        Files.createDirectories(root.resolve("sft/.staging-crashed")); // a publisher that died mid-way
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Checkpoint>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(pool.submit((Callable<Checkpoint>) () -> publish(store)));
            }
            List<Integer> versions = new ArrayList<>();
            for (Future<Checkpoint> f : futures) {
                versions.add(f.get().version());
            }
            assertThat(versions).containsExactlyInAnyOrder(1, 2, 3);
        } finally {
            pool.shutdown();
        }
        assertThat(store.versions("sft")).containsExactly(1, 2, 3);
        for (int v : store.versions("sft")) {
            store.verify(store.checkpoint("sft", v));
        }
        try (Stream<Path> children = Files.list(root.resolve("sft"))) {
            assertThat(children.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("v1", "v2", "v3", ".staging-crashed");
        }
    }

    @Test
    void rejectsBadKinds() {
        assertThatThrownBy(() -> new CheckpointStore(root).versions("../etc")).hasMessageContaining("kind");
    }
}
