package org.linkway.outcome;

/** CSV fields as RFC 4180 writes them, for the statements and the open data. */
public final class Csv {

  public static final String LINE_END = "\r\n";

  private Csv() {}

  /** One field, enclosed in double quotes (its own doubled) only when it holds a comma, a quote, CR or LF. */
  public static String field(String value) {
    if (value == null) return "";
    boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\r') >= 0
        || value.indexOf('\n') >= 0;
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }

  /** Free text for the public: a leading = + - @ TAB or CR gets a ' so that no spreadsheet runs it as a formula. */
  public static String text(String value) {
    if (value == null || value.isEmpty()) return field(value);
    return field("=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value);
  }
}
