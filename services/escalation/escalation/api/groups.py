"""Level-2 groups: everyone on staff reads them; the admin edits groups, members and which
categories each group takes by default."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from servicedesk_common.identity import ADMIN, STAFF
from servicedesk_common.web import current_identity, require

from ..handlers import groups as handlers
from ..schemas import CategoriesIn, GroupIn, GroupOut, GroupPage, GroupPatch, MemberIn, PageArgs
from .common import unit_of_work

blp = Blueprint("groups", __name__, url_prefix="/api/v1/groups",
                description="Level-2 groups, members and category routing")


def _view(code: str, uow) -> dict:
    return handlers.views([handlers.group_or_404(code, uow=uow)], uow=uow)[0]


def _edit(edit, code: str, *args, **kwargs) -> dict:
    with unit_of_work() as uow:
        edit(code, *args, uow=uow, **kwargs)
        uow.commit()
        return _view(code, uow)


@blp.route("")
class GroupCollection(MethodView):
    @require(*STAFF)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, GroupPage)
    def get(self, args):
        with unit_of_work() as uow:
            groups = uow.groups.all()
            start = (args["page"] - 1) * args["per_page"]
            page = groups[start:start + args["per_page"]]
            return {"items": handlers.views(page, uow=uow), "page": args["page"],
                    "per_page": args["per_page"], "total": len(groups)}

    @require(ADMIN)
    @blp.arguments(GroupIn)
    @blp.response(201, GroupOut)
    def post(self, data):
        with unit_of_work() as uow:
            group = handlers.create_group(data, by=current_identity(), uow=uow)
            uow.commit()
            return _view(group.code, uow)


@blp.route("/<string:code>")
class GroupItem(MethodView):
    @require(*STAFF)
    @blp.response(200, GroupOut)
    def get(self, code):
        with unit_of_work() as uow:
            return _view(code, uow)

    @require(ADMIN)
    @blp.arguments(GroupPatch)
    @blp.response(200, GroupOut)
    def patch(self, data, code):
        return _edit(handlers.update_group, code, data)


@blp.route("/<string:code>/members")
class GroupMembers(MethodView):
    @require(ADMIN)
    @blp.arguments(MemberIn)
    @blp.response(201, GroupOut)
    def post(self, data, code):
        return _edit(handlers.add_member, code, data["username"])


@blp.route("/<string:code>/members/<string:username>")
class GroupMember(MethodView):
    @require(ADMIN)
    @blp.response(200, GroupOut)
    def delete(self, code, username):
        return _edit(handlers.remove_member, code, username)


@blp.route("/<string:code>/categories")
class GroupCategories(MethodView):
    @require(ADMIN)
    @blp.arguments(CategoriesIn)
    @blp.response(200, GroupOut)
    def put(self, data, code):
        """Exactly these categories go to this group by default (taken from any other)."""
        return _edit(handlers.set_categories, code, data["categories"], by=current_identity())
