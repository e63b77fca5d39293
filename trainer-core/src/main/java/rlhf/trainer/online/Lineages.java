package rlhf.trainer.online;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;

/**
 * The lineage of a stored model version as a tree: its metrics, the data sets it learned from and, through its parents,
 * everything before it. A data set that is a comparison snapshot (a {@code manifest.json} beside the file whose
 * SHA-256 matches the lineage's) carries the snapshot's Kafka offset ranges and counts, so a policy can be traced down
 * to the offsets of the human comparisons its reward model learned from.
 */
public final class Lineages {

    /** One data set of a version. */
    public record Dataset(String entry, String name, long records, String sha256, String uri,
            Map<String, Object> snapshot) {
    }

    /** One version and its ancestors. */
    public record Node(String id, String createdAt, Map<String, Double> metrics, List<Dataset> datasets,
            List<Node> parents) {
    }

    private static final Gson GSON = new Gson();
    private static final Pattern ENTRY = Pattern.compile("(\\S+) records=(\\d+) sha256=(\\S*) uri=(.*)");

    private final CheckpointStore store;

    public Lineages(CheckpointStore store) {
        this.store = store;
    }

    /**
     * @throws IllegalArgumentException when the version is not in the store
     */
    public Node of(String kind, int version) {
        return node(kind + "/v" + version, new HashSet<>());
    }

    private Node node(String id, Set<String> seen) {
        String[] parts = id.split("/v");
        if (parts.length != 2) {
            return new Node(id, "", Map.of(), List.of(), List.of()); // written by hand, e.g. an imported model
        }
        Checkpoint c;
        try {
            c = store.checkpoint(parts[0], Integer.parseInt(parts[1]));
        } catch (RuntimeException e) {
            if (seen.isEmpty()) {
                throw new IllegalArgumentException(id + " is not in the model store");
            }
            return new Node(id + " (missing from the store)", "", Map.of(), List.of(), List.of());
        }
        seen.add(id);
        List<Dataset> datasets = new ArrayList<>();
        c.manifest().lineage().datasets().forEach(d -> datasets.add(dataset(d)));
        List<Node> parents = new ArrayList<>();
        for (String parent : c.manifest().lineage().parents()) {
            if (!seen.contains(parent)) {
                parents.add(node(parent, seen));
            }
        }
        return new Node(id, c.manifest().createdAt(), new TreeMap<>(c.manifest().lineage().metrics()), datasets,
                parents);
    }

    static Dataset dataset(String entry) {
        Matcher m = ENTRY.matcher(entry);
        if (!m.matches()) {
            return new Dataset(entry, entry, -1, "", "", Map.of());
        }
        String uri = m.group(4);
        return new Dataset(entry, m.group(1), Long.parseLong(m.group(2)), m.group(3), uri, snapshot(uri, m.group(3)));
    }

    /** The snapshot manifest beside the data file, when there is one for exactly these bytes. */
    private static Map<String, Object> snapshot(String uri, String sha256) {
        try {
            Path file = uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : Path.of(uri);
            Path manifest = file.resolveSibling("manifest.json");
            if (!Files.isRegularFile(manifest)) {
                return Map.of();
            }
            JsonObject o = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
            if (!o.has("sha256") || !o.get("sha256").getAsString().equals(sha256)) {
                return Map.of();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (String key : new String[] {"comparisonsTopic", "comparisons", "erasuresTopic", "erasures", "records",
                "counts", "sha256"}) {
                JsonElement e = o.get(key);
                if (e != null) {
                    out.put(key, GSON.fromJson(e, Object.class));
                }
            }
            out.put("manifest", manifest.toString());
            return out;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }
}
