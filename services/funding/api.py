"""The funding service's routes: parse, handle, commit, respond."""

from fastapi import APIRouter

router = APIRouter()
