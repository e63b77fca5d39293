package rlhf.gateway.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import rlhf.service.InvalidInputException;

class BatchItemsTest {

    @Test
    void eachObjectItemIsItsOwnTextExactlyAsSentBracesAndQuotesInsideStringsIncluded() {
        String first = "{\"comparisonId\": \"a}\\\"{\", \"answers\": [{\"text\": \"[x]\"}, {}], \"n\": {\"m\": {}}}";
        String second = "{}";
        List<BatchItems.Item> items = BatchItems.of("{\"source\": {\"x\": [1, 2]}, \"comparisons\": [ " + first
                + " ,\n" + second + "], \"tail\": true}", 10);
        assertThat(items).extracting(BatchItems.Item::json).containsExactly(first, second);
    }

    @Test
    void itemsThatAreNotObjectsAreKeptInTheirPlaceSaidWhatTheyAre() {
        List<BatchItems.Item> items = BatchItems.of("{\"comparisons\": [1, \"s\", [{}], null, true, {\"a\": 1}]}", 10);
        assertThat(items).extracting(BatchItems.Item::kind)
                .containsExactly("a number", "a string", "an array", "null", "a boolean", "object");
        assertThat(items.get(2).json()).isNull();
        assertThat(items.get(5).json()).isEqualTo("{\"a\": 1}");
    }

    @Test
    void aRepeatedMemberCountsOnceTheLastLikeAJsonTree() {
        assertThat(BatchItems.of("{\"comparisons\": [{}, {}], \"comparisons\": [{\"b\": 2}]}", 10))
                .extracting(BatchItems.Item::json).containsExactly("{\"b\": 2}");
    }

    @Test
    void badBodiesAreRefusedNamingComparisons() {
        for (String body : new String[] {"", "[]", "{}", "{\"comparisons\": {}}", "{\"comparisons\": 3}",
                "{\"comparisons\": [{\"a\": }]}", "{\"comparisons\": [{}", "nope"}) {
            assertThatThrownBy(() -> BatchItems.of(body, 10)).as(body).isInstanceOfSatisfying(
                    InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("comparisons"));
        }
    }

    @Test
    void moreItemsThanTheLimitAreRefusedWithTheirCount() {
        assertThatThrownBy(() -> BatchItems.of("{\"comparisons\": [{}, {}, {}]}", 2))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("3 items > max 2");
    }
}
