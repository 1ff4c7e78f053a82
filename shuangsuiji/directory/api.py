from ninja import Router

router = Router()

PERMISSIONS: dict = {}
