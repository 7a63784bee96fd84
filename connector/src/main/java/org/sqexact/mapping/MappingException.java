package org.sqexact.mapping;

/**
 * A mapping file that cannot be used, or a mapping that failed for one order.
 *
 * <p>The message always names the mapping file, the target (e.g. {@code account}), the Exact field
 * (e.g. {@code Name} or {@code SalesOrderLines[2].Quantity}) and the reason; at load time it also
 * gives the line and column in the file, at run time the Squarespace order number. The parts are
 * also available one by one for logs and alerts.
 */
public class MappingException extends RuntimeException {

  private final String file;
  private final String target;
  private final String field;
  private final String orderNumber;
  private final String reason;

  MappingException(
      String message, String file, String target, String field, String orderNumber, String reason) {
    this(message, file, target, field, orderNumber, reason, null);
  }

  MappingException(
      String message,
      String file,
      String target,
      String field,
      String orderNumber,
      String reason,
      Throwable cause) {
    super(message, cause);
    this.file = file;
    this.target = target;
    this.field = field;
    this.orderNumber = orderNumber;
    this.reason = reason;
  }

  /** The mapping file as it was given to {@link DataMapper#load}. */
  public String file() {
    return file;
  }

  /** The target (e.g. {@code salesOrder}), or null when the problem is not inside one. */
  public String target() {
    return target;
  }

  /** The Exact field (e.g. {@code SalesOrderLines[2].Quantity}), or null. */
  public String field() {
    return field;
  }

  /** The Squarespace {@code orderNumber} being mapped, or null at load time. */
  public String orderNumber() {
    return orderNumber;
  }

  /** The reason alone, without file, target and field. */
  public String reason() {
    return reason;
  }
}
