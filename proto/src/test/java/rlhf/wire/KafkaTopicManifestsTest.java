package rlhf.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Strimzi {@code KafkaTopic} resources of the Kubernetes deployment ({@code k8s/base}) are the topic table of the
 * code: one per {@link Topic}, with its name, partitions and configs. Overlays may change replicas only, which
 * k8s/validate/validate.sh checks on every rendered overlay against the same base.
 */
class KafkaTopicManifestsTest {

    /** Surefire runs in the module folder; the manifests live beside it. */
    private static final Path K8S_BASE = Path.of("..", "k8s", "base");

    @Test
    void everyTopicOfTheTableHasAKafkaTopicWithItsPartitionsAndConfigs() throws IOException {
        List<Map<String, Object>> topics = kafkaTopics(K8S_BASE);

        assertThat(topics).as("KafkaTopic resources under " + K8S_BASE).hasSize(Topic.values().length);
        assertThat(differences(topics, Topic.values())).isEmpty();
    }

    @Test
    void aManifestThatDriftsFromTheTableIsReported() {
        // Because a comparison that never fails proves nothing: drift in each field, a missing and an unknown topic.
        List<Map<String, Object>> drifted = List.of(
                topic("rlhf.prompts", 12, Map.of()),
                topic("rlhf.rollouts", 6, Map.of("retention.ms", "-1")),
                topic("rlhf.comparisons", 6, Map.of()),
                topic("rlhf.model-versions", 1, Map.of("cleanup.policy", "compact")),
                topic("rlhf.user-erasures", 1, Map.of("cleanup.policy", "compact", "retention.ms", "-1")),
                topic("rlhf.typo", 3, Map.of("retention.ms", "-1")));

        assertThat(differences(drifted, Topic.values())).containsExactlyInAnyOrder(
                "rlhf.prompts: partitions 12 in k8s, 6 in rlhf.wire.Topic",
                "rlhf.rollouts: configs {retention.ms=-1} in k8s, {} in rlhf.wire.Topic",
                "rlhf.comparisons: configs {} in k8s, {retention.ms=-1} in rlhf.wire.Topic",
                "rlhf.dead-letter: no KafkaTopic in k8s",
                "rlhf.typo: a KafkaTopic that rlhf.wire.Topic does not list");
    }

    /** What differs between the manifests and the table, one line per difference; empty when they agree. */
    static List<String> differences(List<Map<String, Object>> manifests, Topic[] table) {
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        for (Map<String, Object> manifest : manifests) {
            byName.put(topicName(manifest), manifest);
        }
        List<String> differences = new ArrayList<>();
        Set<String> listed = new TreeSet<>();
        for (Topic topic : table) {
            listed.add(topic.topicName());
            Map<String, Object> manifest = byName.get(topic.topicName());
            if (manifest == null) {
                differences.add(topic.topicName() + ": no KafkaTopic in k8s");
                continue;
            }
            Map<String, Object> spec = map(manifest.get("spec"));
            Object partitions = spec.get("partitions");
            if (!(partitions instanceof Integer p) || p != topic.partitions()) {
                differences.add(topic.topicName() + ": partitions " + partitions + " in k8s, " + topic.partitions()
                        + " in rlhf.wire.Topic");
            }
            Map<String, String> configs = strings(map(spec.get("config")));
            if (!configs.equals(new TreeMap<>(topic.configs()))) {
                differences.add(topic.topicName() + ": configs " + configs + " in k8s, " + new TreeMap<>(topic.configs())
                        + " in rlhf.wire.Topic");
            }
        }
        byName.keySet().stream().filter(name -> !listed.contains(name))
                .forEach(name -> differences.add(name + ": a KafkaTopic that rlhf.wire.Topic does not list"));
        return differences;
    }

    /** Every KafkaTopic document of every YAML file under {@code root}. */
    static List<Map<String, Object>> kafkaTopics(Path root) throws IOException {
        List<Map<String, Object>> topics = new ArrayList<>();
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    for (Object document : yaml.loadAll(reader)) {
                        if (document instanceof Map<?, ?> m && "KafkaTopic".equals(m.get("kind"))) {
                            topics.add(map(m));
                        }
                    }
                }
            }
        }
        return topics;
    }

    /** spec.topicName, or metadata.name when the resource's name is the topic's (as Strimzi allows). */
    private static String topicName(Map<String, Object> manifest) {
        Object name = map(manifest.get("spec")).get("topicName");
        return name != null ? name.toString() : String.valueOf(map(manifest.get("metadata")).get("name"));
    }

    private static Map<String, Object> topic(String name, int partitions, Map<String, String> configs) {
        return Map.of("kind", "KafkaTopic", "metadata", Map.of("name", name.replace('.', '-')),
                "spec", Map.of("topicName", name, "partitions", partitions, "config", configs));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Kafka topic configs are strings; YAML may have written a number or a boolean. */
    private static Map<String, String> strings(Map<String, Object> configs) {
        Map<String, String> strings = new TreeMap<>();
        configs.forEach((k, v) -> strings.put(k, String.valueOf(v)));
        return strings;
    }
}
