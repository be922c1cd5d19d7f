package org.linkway.platform.pages;

import java.util.Optional;
import org.linkway.platform.security.Role;

/** Where a service sends a person of a role after they sign in: its page for them, if it has one. */
@FunctionalInterface
public interface PageHome {

  Optional<String> pathFor(Role role);
}
