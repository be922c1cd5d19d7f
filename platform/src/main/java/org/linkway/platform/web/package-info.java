/** The HTTP side every service shares: errors as problem+json, server-sent events, the API description. */
package org.linkway.platform.web;
