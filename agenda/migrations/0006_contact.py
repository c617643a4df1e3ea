"""How attendees reach the organizers of a conference, and a map of its venue."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agenda", "0005_drafts")]

    operations = [
        migrations.AddField(
            model_name="conference",
            name="map_url",
            field=models.URLField(
                blank=True,
                help_text=(
                    "A map of the venue (Amap, Baidu Maps, OpenStreetMap...). Empty: a map "
                    "search for the address."
                ),
                max_length=500,
                verbose_name="map link",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="contact_email",
            field=models.EmailField(
                blank=True,
                help_text=(
                    "Where attendees write to the organizers; shown on every page and email."
                ),
                max_length=254,
                verbose_name="contact email",
            ),
        ),
        migrations.AddField(
            model_name="conference",
            name="contact_phone",
            field=models.CharField(blank=True, max_length=40, verbose_name="contact phone"),
        ),
        migrations.AddField(
            model_name="conference",
            name="contact_wechat_id",
            field=models.CharField(blank=True, max_length=60, verbose_name="WeChat ID"),
        ),
        migrations.AddField(
            model_name="conference",
            name="contact_wechat_qr",
            field=models.ImageField(
                blank=True,
                help_text="The organizers' WeChat QR code, shown on the contact page.",
                upload_to="conferences/wechat/",
                verbose_name="WeChat QR code",
            ),
        ),
    ]
