"""The explorer's home page."""

from __future__ import annotations

from flask import Blueprint, render_template

__all__ = ["blueprint"]

blueprint = Blueprint("pages", __name__)


@blueprint.route("/")
def home():
    return render_template("explorer/home.html")
