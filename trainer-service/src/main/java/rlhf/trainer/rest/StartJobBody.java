package rlhf.trainer.rest;

import java.util.Map;

/**
 * Body of {@code POST /admin/jobs}: {@code {"kind": "SFT", "parameters": {"epochs": 3, "lr": "3e-4"}}}; parameter
 * values may be JSON strings, numbers or booleans.
 */
public record StartJobBody(String kind, Map<String, Object> parameters) {
}
