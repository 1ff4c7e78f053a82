from django.db import migrations


def load(apps, schema_editor):
    from shuangsuiji.results.vocabulary import load as load_codes

    load_codes(apps.get_model("results", "ResultCode"))


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
