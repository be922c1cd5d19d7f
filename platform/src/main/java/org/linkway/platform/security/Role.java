package org.linkway.platform.security;

import java.util.Locale;
import java.util.Optional;

/** Who a token speaks for, from its {@code linkway_role} claim. */
public enum Role {
  /** A GP practice's system: refers people, follows and cancels its own referrals. Acts for an ODS code. */
  GP,
  /** A voluntary or community provider: its own queue and directory entries. Acts for a provider id. */
  PROVIDER,
  /** An Integrated Care Board: its own contracts, budgets, ledger, statements and streams. Acts for an ODS code. */
  COMMISSIONER,
  /** A directory administrator: imports and registers providers, erases people on request. */
  ADMIN;

  public String claimValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromClaim(Object value) {
    if (!(value instanceof String text)) return Optional.empty();
    for (Role role : values()) {
      if (role.claimValue().equals(text)) return Optional.of(role);
    }
    return Optional.empty();
  }
}
