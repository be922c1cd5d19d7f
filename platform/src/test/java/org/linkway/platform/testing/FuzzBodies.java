package org.linkway.platform.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The bodies the fuzz properties send ({@code *FuzzProperties}): a valid body edited one to three
 * times at random paths (a value replaced by one of {@link JsonFuzz#VALUES}, a random string of any
 * characters or an extreme number; a field dropped, added or wrapped in an array), and one time in
 * five a body that is not the JSON of a request at all.
 */
public final class FuzzBodies {

  private FuzzBodies() {}

  public static Arbitrary<JsonFuzz.Body> from(String valid) {
    Arbitrary<String> values = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of(JsonFuzz.VALUES)),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40).map(JsonFuzz::string)),
        Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
        Tuple.of(1, Arbitraries.bigDecimals().ofScale(6).map(d -> d.toPlainString())));
    Arbitrary<JsonFuzz.Edit> edit = Combinators.combine(
            Arbitraries.of(JsonFuzz.Kind.class), Arbitraries.integers().between(0, 10_000), values)
        .as(JsonFuzz.Edit::new);
    Arbitrary<JsonFuzz.Body> edited = edit.list().ofMinSize(1).ofMaxSize(3).map(edits -> JsonFuzz.edited(valid, edits));
    Arbitrary<JsonFuzz.Body> broken = Combinators.combine(Arbitraries.integers().between(0, 6),
        Arbitraries.integers().between(0, 100_000)).as((kind, at) -> JsonFuzz.broken(valid, kind, at));
    return Arbitraries.frequencyOf(Tuple.of(8, edited), Tuple.of(2, broken));
  }
}
