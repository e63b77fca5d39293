package rlhf.trainer.online;

import java.util.List;

/**
 * A gate's verdict on a challenger: promote it, or keep the champion, with every reason in words and numbers (what the
 * online iteration announces and records in the lineage).
 */
public record GateDecision(boolean promote, List<String> reasons) {

    public GateDecision {
        reasons = List.copyOf(reasons);
    }

    /** One line: "promoted: …" or "kept the champion: …". */
    public String summary() {
        return (promote ? "promoted: " : "kept the champion: ") + String.join("; ", reasons);
    }
}
