package org.linkway.platform.streams;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Entries derived from each value of a {@link KeyedView} and kept beside it, keyed so that a part of them is one
 * prefix or range of keys (a commissioner's payments due in one month, by provider and time): each value gives its
 * lines ({@code lines}: the rest of each line's key, after {@code {key}|}, to its text); when the view's value
 * changes, the lines only the old value gave are deleted and the new value's are put. So the store holds the lines of
 * the values the view holds now, and of those taken out of it by a removal ({@link PartyView#removal}: archived, not
 * changed), whose lines stay; reading some of a key's lines costs those lines, not the key's values.
 *
 * @param store the lines: {@code {key}|{line key}} to the line's text
 * @param lines what one value gives: each line's key (unique within the key's lines) to its text
 */
public record Lines<V>(String store, Function<V, Map<String, String>> lines) implements KeptBeside<V> {

  @Override
  public void change(KeyValueStore<String, String> kept, String key, V before, V after) {
    String prefix = KeptBeside.prefix(key);
    Map<String, String> now = after == null ? Map.of() : lines.apply(after);
    if (before != null) {
      for (String line : lines.apply(before).keySet()) {
        if (!now.containsKey(line)) kept.delete(prefix + line);
      }
    }
    now.forEach((line, text) -> {
      String at = prefix + line;
      if (!Objects.equals(kept.get(at), text)) kept.put(at, text);
    });
  }
}
