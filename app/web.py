"""The start page. (The dashboards come with the web application.)"""

from flask import Blueprint, g, redirect, render_template, url_for

bp = Blueprint("web", __name__)


@bp.get("/", endpoint="home")
def home():
    if g.get("user") is None:
        return redirect(url_for("accounts.sign_in_form"))
    return render_template("home.html", user=g.user)
