package org.linkway.platform.domain;

/** Codes as people send them: an enum constant by its exact name. */
public final class Codes {

  /** The default every Avro enum of the catalogue has for values it does not know; never accepted as input. */
  public static final String UNKNOWN = "UNKNOWN";

  private Codes() {}

  /** The constant with exactly this name, or null for null, an unknown name or UNKNOWN. */
  public static <E extends Enum<E>> E named(Class<E> type, String name) {
    if (name == null || name.equals(UNKNOWN)) return null;
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(name)) return constant;
    }
    return null;
  }
}
