"""The wire contract of tracking: a package's trace, and the tracking reports in JSON and CSV."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from mockplatform.fronts.native.schemas import JSONObject, Timestamp
from mockplatform.logistics import reports


class TrackingNumber(fields.String):
    def json_schema(self) -> dict:
        return {"type": "string", "pattern": f"^{reports.TRACKING_NUMBER.pattern}$",
                "maxLength": reports.MAX_TRACKING_NUMBER}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not reports.is_tracking_number(value):
            raise ValidationError(f"not a tracking number: expected {reports.TRACKING_NUMBER_RULE}")
        return value


class TrackingEventSchema(Schema):
    object = fields.Constant("tracking_event")
    milestone = fields.String(metadata={"description": "our name for the step or outcome"})
    status_code = fields.String(metadata={"description": "Lazada's trace code, such as 1200"})
    detail_type = fields.String()
    package_status = fields.String(metadata={"description": "Lazada's package status, such as "
                                                            "READY_TO_SHIP"})
    title = fields.String()
    description = fields.String()
    location = fields.String()
    occurred_at = Timestamp()
    details = JSONObject()


class PackageTrackingSchema(Schema):
    object = fields.Constant("package_tracking")
    tracking_number = fields.String()
    package_id = fields.String()
    order_id = fields.Integer()
    shipment_provider = fields.String()
    status = fields.String()
    packed_at = Timestamp()
    ready_to_ship_at = Timestamp(allow_none=True)
    first_mile_scan_deadline = Timestamp(allow_none=True)
    first_mile_scanned_at = Timestamp(allow_none=True)
    journey_step = fields.String(allow_none=True, metadata={
        "description": "the last step of the journey done"})
    next_step = fields.String(allow_none=True)
    next_step_due_at = Timestamp(allow_none=True)
    delivery_attempts = fields.Integer()
    failure_reason = fields.String(allow_none=True)
    measured = JSONObject(metadata={"description": "weight (kg) and dimensions (cm) measured at "
                                                   "the origin sorting centre"})
    seller_marked_failed = fields.Boolean()
    delivered_at = Timestamp(allow_none=True)
    events = fields.List(fields.Nested(TrackingEventSchema))


class OrderTrackingSchema(Schema):
    object = fields.Constant("order_tracking")
    order_id = fields.Integer()
    packages = fields.List(fields.Nested(PackageTrackingSchema))


# -- reports --------------------------------------------------------------------------------------

class RangeReportQuery(Schema):
    start = Timestamp(data_key="from", required=True, metadata={
        "description": "packages readied to ship at or after this instant"})
    end = Timestamp(data_key="to", required=True, metadata={
        "description": "... and before this one; at most tracking.report_max_range (30 days) "
                       "after from"})


class NumbersReportSchema(Schema):
    tracking_numbers = fields.List(
        TrackingNumber(), required=True,
        validate=validate.Length(min=1, max=reports.MAX_ROWS,
                                 error=f"between 1 and {reports.MAX_ROWS} tracking numbers"))


class ReportRowSchema(Schema):
    """One package; a tracking number no package has is a row with only ``tracking_number``
    and the status ``not_found``."""

    tracking_number = fields.String()
    status = fields.String(metadata={"description": "the package's status, or not_found"})
    package_id = fields.String(allow_none=True)
    order_id = fields.Integer(allow_none=True)
    shipment_provider = fields.String(allow_none=True)
    packed_at = Timestamp(allow_none=True)
    ready_to_ship_at = Timestamp(allow_none=True)
    first_mile_scan_deadline = Timestamp(allow_none=True)
    first_mile_scanned_at = Timestamp(allow_none=True)
    journey_step = fields.String(allow_none=True)
    next_step = fields.String(allow_none=True)
    next_step_due_at = Timestamp(allow_none=True)
    last_event_code = fields.String(allow_none=True)
    last_event_status = fields.String(allow_none=True)
    last_event_title = fields.String(allow_none=True)
    last_event_location = fields.String(allow_none=True)
    last_event_at = Timestamp(allow_none=True)
    events_count = fields.Integer(allow_none=True)
    delivery_attempts = fields.Integer(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    measured_weight_kg = fields.String(allow_none=True)
    measured_length_cm = fields.String(allow_none=True)
    measured_width_cm = fields.String(allow_none=True)
    measured_height_cm = fields.String(allow_none=True)
    seller_marked_failed = fields.Boolean(allow_none=True)
    delivered_at = Timestamp(allow_none=True)


class TrackingReportSchema(Schema):
    object = fields.Constant("tracking_report")
    kind = fields.String(metadata={"description": "date_range, tracking_numbers or upload"})
    start = Timestamp(data_key="from", allow_none=True)
    end = Timestamp(data_key="to", allow_none=True)
    generated_at = Timestamp()
    requested_count = fields.Integer(allow_none=True, metadata={
        "description": "tracking numbers given, duplicates included (null for a date range)"})
    duplicate_count = fields.Integer(allow_none=True)
    row_count = fields.Integer()
    found_count = fields.Integer()
    not_found_count = fields.Integer()
    columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(ReportRowSchema))
