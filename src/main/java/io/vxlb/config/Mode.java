package io.vxlb.config;

/** {@code mode http|tcp}. */
public enum Mode { HTTP, TCP }
