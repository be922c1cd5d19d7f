package org.linkway.platform.security;

import org.springframework.security.config.web.server.ServerHttpSecurity.AuthorizeExchangeSpec;

/**
 * A service's table of who may call what: path patterns and the rule for each, built from
 * {@link Access}. Health is open to all and anything not in the table is refused.
 */
@FunctionalInterface
public interface AccessRules {

  void apply(AuthorizeExchangeSpec exchanges);
}
