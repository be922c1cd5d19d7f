package org.linkway.platform.streams;

/**
 * Numbers written with a fixed number of digits, zeros in front, so that the keys they start sort as the numbers do
 * (a list's order, a moment in an index): what {@code String.format("%0<width>d", n)} writes, without parsing a format
 * on every call. The stream threads write one or more such keys for every state they keep, and the format was 5 % of
 * provider-service's stream thread in the benchmark's profile.
 */
public final class FixedWidth {

  private FixedWidth() {}

  /** {@code n} in at least {@code width} characters, zeros after the sign: {@code String.format("%0" + width + "d", n)}. */
  public static String digits(long n, int width) {
    String text = Long.toString(n);
    if (text.length() >= width) return text;
    StringBuilder padded = new StringBuilder(width);
    int start = 0;
    if (n < 0) {
      padded.append('-');
      start = 1;
    }
    for (int i = text.length(); i < width; i++) padded.append('0');
    return padded.append(text, start, text.length()).toString();
  }
}
