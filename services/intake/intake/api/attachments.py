"""Attachments: several per ticket, judged by content, kept through the storage port."""
from __future__ import annotations

import io
import logging

from flask import request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from servicedesk_common.errors import Invalid, NotFound, UnsupportedMedia

from .. import handlers
from ..schemas import AttachmentOut, OptionalTokenArgs
from ..storage import Staged, new_key
from .access import intake, ticket_for, unit_of_work

log = logging.getLogger(__name__)

blp = Blueprint("attachments", __name__, url_prefix="/api/v1/tickets",
                description="Attachments")


def _uploads(max_bytes: int) -> list[handlers.Upload]:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMedia("Send the files as multipart/form-data, each in a field named "
                               "'file'.")
    unknown = sorted((set(request.files) | set(request.form)) - {"file"})
    if unknown:
        raise Invalid("Send only fields named 'file'.",
                      details={name: ["Unknown field."] for name in unknown})
    uploads = []
    for part in request.files.getlist("file"):
        part.stream.seek(0, io.SEEK_END)
        size = part.stream.tell()
        part.stream.seek(0)
        content = part.stream.read() if size <= max_bytes else None
        uploads.append(handlers.Upload(part.filename, content, size))
    return uploads


@blp.route("/<string:number>/attachments")
class Attachments(MethodView):
    @blp.arguments(OptionalTokenArgs(), location="query", unknown=RAISE)
    @blp.response(201, AttachmentOut(many=True))
    @blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {"file": {"type": "array", "items": {
            "type": "string", "format": "binary"}}}}}}})
    def post(self, args, number):
        """Attach files (staff; the owner; a guest with ?token=). 413 over the size limit,
        415 for a type outside the allow-list, judged by content."""
        config = intake().config
        with unit_of_work() as uow:
            ticket, identity = ticket_for(uow, number, token=args.get("token"),
                                          for_update=True)
            checked = handlers.check_uploads(_uploads(config.attachment_max_bytes),
                                             max_bytes=config.attachment_max_bytes,
                                             allowed=config.attachment_types,
                                             max_unpacked_bytes=config.attachment_max_unpacked_bytes)
            with Staged(intake().store) as staged:
                added = handlers.add_attachments(ticket, checked, by=identity, uow=uow,
                                                 store=staged, new_key=new_key)
                uow.commit()
            return added


@blp.route("/<string:number>/attachments/<int:attachment_id>")
class AttachmentFile(MethodView):
    @blp.arguments(OptionalTokenArgs(), location="query", unknown=RAISE)
    @blp.response(200, description="the file, as an attachment")
    def get(self, args, number, attachment_id):
        """Download a file (staff; the owner; a guest with ?token=)."""
        with unit_of_work() as uow:
            ticket, _ = ticket_for(uow, number, token=args.get("token"))
            attachment = next((a for a in ticket.attachments if a.id == attachment_id), None)
            if attachment is None:
                raise NotFound(f"Ticket {number} has no attachment {attachment_id}.")
            try:
                content = intake().store.get(attachment.storage_key)
            except FileNotFoundError:
                log.error("event=attachment_missing ticket=%s attachment=%s key=%s", number,
                          attachment_id, attachment.storage_key)
                raise NotFound(f"The file of attachment {attachment_id} is missing; tell the "
                               "service desk.") from None
        response = send_file(io.BytesIO(content), mimetype=attachment.content_type,
                             as_attachment=True, download_name=attachment.filename)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store"
        return response
